# Live R oracle for tests/r_oracle/test_outcomes_against_r.py: the outcomes chapter's
# sensitivity analyses computed by R's survival package on a cohort CSV.
#
#   Rscript tests/r_oracle/r/outcomes_oracle.R data/cohort.csv
#
# First event: worsening at dwfs_years (status 1); death without worsening at
# followup_years (status 2); else censored at dwfs_years (status 0).
# For all patients, RRMS and progressive (SPMS + PPMS), at 5 and 10 years:
# - composite (worsening or death): survfit(Surv(time, status > 0) ~ 1, conf.type = "plain");
# - Aalen-Johansen cumulative incidence of worsening, death competing:
#   survfit(Surv(time, factor(status, 0:2)) ~ 1), pstate of state "1".
# And DWFS by transplant era at 5 years (see the end of this script).
# Prints "key,value" lines with 17 significant digits.
suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript tests/r_oracle/r/outcomes_oracle.R <cohort.csv>")
cohort <- read.csv(args[1], stringsAsFactors = FALSE)
died_first <- cohort$worsening == 0 & cohort$died == 1
cohort$time <- ifelse(died_first, cohort$followup_years, cohort$dwfs_years)
cohort$status <- ifelse(cohort$worsening == 1, 1L, ifelse(died_first, 2L, 0L))

groups <- list(all = rep(TRUE, nrow(cohort)),
               rrms = cohort$subtype == "RRMS",
               progressive = cohort$subtype %in% c("SPMS", "PPMS"))
cat("key,value\n")
for (g in names(groups)) {
  d <- cohort[groups[[g]], ]
  composite <- summary(survfit(Surv(time, status > 0) ~ 1, data = d, conf.type = "plain"),
                       times = c(5, 10), extend = TRUE)
  aj_fit <- survfit(Surv(time, factor(status, 0:2)) ~ 1, data = d)
  aj <- summary(aj_fit, times = c(5, 10), extend = TRUE)
  state <- which(aj_fit$states == "1")
  for (i in 1:2) {
    year <- c(5, 10)[i]
    cat(sprintf("composite_%s_%g_surv,%.17g\n", g, year, composite$surv[i]))
    cat(sprintf("composite_%s_%g_lower,%.17g\n", g, year, composite$lower[i]))
    cat(sprintf("composite_%s_%g_upper,%.17g\n", g, year, composite$upper[i]))
    cat(sprintf("cif_%s_%g,%.17g\n", g, year, aj$pstate[i, state]))
  }
}
# Transplant eras (up to 2007, 2008 or later): survfit(conf.type = "plain") at 5 years.
eras <- list(early = cohort$transplant_year <= 2007, late = cohort$transplant_year > 2007)
for (era in names(eras)) {
  fit <- survfit(Surv(dwfs_years, worsening) ~ 1, data = cohort[eras[[era]], ], conf.type = "plain")
  s <- summary(fit, times = 5, extend = TRUE)
  cat(sprintf("era_%s_surv,%.17g\nera_%s_lower,%.17g\nera_%s_upper,%.17g\nera_%s_at_risk,%.17g\n",
              era, s$surv, era, s$lower, era, s$upper, era, s$n.risk))
}
