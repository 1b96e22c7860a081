# Live R oracle for tests/r_oracle/test_against_r.py: the paper's survival numbers computed by
# R's survival package on a cohort CSV.
#
#   Rscript tests/r_oracle/r/cohort_oracle.R data/cohort.csv
#
# Columns used: subtype (RRMS/SPMS/PPMS), dwfs_years, worsening (1 event / 0
# censored), followup_years, died (0/1). Progressive = SPMS + PPMS.
# Prints "key,value" lines (CSV with a header) on stdout, values with 17 significant
# digits; NA for undefined values. Base R and survival only (jsonlite is not
# installed with Debian's r-base-core).
suppressPackageStartupMessages(library(survival))
# zph_gt1994.R sits next to this script; find it from any working directory.
this_file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1])
source(file.path(dirname(normalizePath(this_file)), "zph_gt1994.R"))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript tests/r_oracle/r/cohort_oracle.R <cohort.csv>")
cohort <- read.csv(args[1], stringsAsFactors = FALSE)
cohort$progressive <- as.integer(cohort$subtype %in% c("SPMS", "PPMS"))

keys <- character(0)
values <- numeric(0)
put <- function(key, value) {
  keys <<- c(keys, key)
  values <<- c(values, as.numeric(value))
}

put("n", nrow(cohort))
groups <- list(all = rep(TRUE, nrow(cohort)),
               rrms = cohort$subtype == "RRMS",
               progressive = cohort$progressive == 1)
for (g in names(groups)) {
  d <- cohort[groups[[g]], ]
  # survfit(conf.type = "plain"), conf.int = 0.95; summary(times, extend = TRUE).
  fit <- survfit(Surv(dwfs_years, worsening) ~ 1, data = d, conf.type = "plain")
  s <- summary(fit, times = c(5, 10), extend = TRUE)
  for (i in seq_along(s$time)) {
    prefix <- sprintf("km_%s_%g_", g, s$time[i])
    put(paste0(prefix, "surv"), s$surv[i])
    put(paste0(prefix, "se"), s$std.err[i])
    put(paste0(prefix, "lower"), s$lower[i])
    put(paste0(prefix, "upper"), s$upper[i])
    put(paste0(prefix, "at_risk"), s$n.risk[i])
  }
  tb <- summary(fit, rmean = 10)$table
  put(sprintf("rmean_%s_10", g), tb[["rmean"]])
  put(sprintf("rmean_%s_10_se", g), tb[["se(rmean)"]])
}

# Log-rank, RRMS vs progressive: survdiff (rho = 0).
sd <- survdiff(Surv(dwfs_years, worsening) ~ progressive, data = cohort)
put("logrank_chisq", sd$chisq)
put("logrank_df", length(sd$n) - 1)
put("logrank_p", pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE))

# Cox, progressive vs RRMS: coxph (Efron ties), Wald CI and p from summary().
fit <- coxph(Surv(dwfs_years, worsening) ~ progressive, data = cohort, ties = "efron")
sm <- summary(fit)
put("cox_coef", coef(fit)[["progressive"]])
put("cox_hr", sm$conf.int[1, "exp(coef)"])
put("cox_lower", sm$conf.int[1, "lower .95"])
put("cox_upper", sm$conf.int[1, "upper .95"])
put("cox_p", sm$coefficients[1, "Pr(>|z|)"])
# Adjusted for age and baseline EDSS, as the outcomes chapter reports it.
adj <- coxph(Surv(dwfs_years, worsening) ~ progressive + age + baseline_edss, data = cohort, ties = "efron")
adj_sm <- summary(adj)
for (term in c("progressive", "age", "baseline_edss")) {
  put(paste0("cox_adj_", term, "_hr"), adj_sm$conf.int[term, "exp(coef)"])
  put(paste0("cox_adj_", term, "_lower"), adj_sm$conf.int[term, "lower .95"])
  put(paste0("cox_adj_", term, "_upper"), adj_sm$conf.int[term, "upper .95"])
  put(paste0("cox_adj_", term, "_p"), adj_sm$coefficients[term, "Pr(>|z|)"])
}
# Proportional hazards, two ways (see zph_gt1994.R): the Grambsch & Therneau (1994)
# approximation that lifelines computes (cox.zph before survival 3.0), from R's
# Schoenfeld residuals, vcov() and g(t) = 1 - S(t-); and survival >= 3.0's cox.zph
# score test, for reference.
adj_gt <- zph_gt1994(adj, cohort$dwfs_years, cohort$worsening)
put("zph_gt_adj_global_chisq", adj_gt[["GLOBAL"]])
put("zph_gt_adj_global_p", pchisq(adj_gt[["GLOBAL"]], 3, lower.tail = FALSE))
for (term in c("progressive", "age", "baseline_edss")) {
  put(paste0("zph_gt_adj_", term, "_chisq"), adj_gt[[term]])
}
gt <- zph_gt1994(fit, cohort$dwfs_years, cohort$worsening)
put("zph_gt_chisq", gt[["progressive"]])
put("zph_gt_p", pchisq(gt[["progressive"]], 1, lower.tail = FALSE))
adj_z <- cox.zph(adj, transform = "km")
put("zph_adj_global_chisq", adj_z$table["GLOBAL", "chisq"])
put("zph_adj_global_p", adj_z$table["GLOBAL", "p"])
z <- cox.zph(fit, transform = "km")
put("zph_chisq", z$table["progressive", "chisq"])
put("zph_p", z$table["progressive", "p"])

# Median follow-up by reverse Kaplan-Meier: Surv(followup_years, 1 - died),
# median and its CI from the plain bands.
tb <- summary(survfit(Surv(followup_years, 1 - died) ~ 1, data = cohort, conf.type = "plain"))$table
put("followup_median", tb[["median"]])
put("followup_lower", tb[["0.95LCL"]])
put("followup_upper", tb[["0.95UCL"]])

put("r_version_major", as.numeric(R.version$major))
cat("key,value\n")
cat(sprintf("%s,%s\n", keys, ifelse(is.na(values), "NA", sprintf("%.17g", values))), sep = "")
