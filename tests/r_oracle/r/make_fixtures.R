# Regenerate the R reference outputs in tests/fixtures/r/ that tests/unit/stats/
# compares against (read through tests/unit/stats/r_fixtures.py).
#
#   Rscript tests/r_oracle/r/make_fixtures.R        (from the repository root)
#
# Uses base R and the survival package only (no jsonlite: outputs are CSV).
# Stored outputs were produced with the versions written to
# tests/fixtures/r/r_versions.csv; rerunning with another version of survival
# should reproduce them to the tolerances used in the tests.
#
# Data sets, written next to the outputs so the Python tests read the same rows:
#   data_five.csv  hand-made 5-patient example (worked by hand in tests/unit/stats/r_fixtures.py)
#   data_aml.csv   survival::aml  (time in weeks; status 1 = relapse; x = arm)
#   data_lung.csv  survival::lung (time in days; status recoded 2 -> 1 event,
#                  1 -> 0 censored; sex 1 = male, 2 = female; ph.ecog has NAs)
suppressPackageStartupMessages(library(survival))
source(file.path("tests", "r_oracle", "r", "zph_gt1994.R"))

out_dir <- file.path("tests", "fixtures", "r")
if (!dir.exists(out_dir)) stop("run from the repository root: ", out_dir, " not found")
out <- function(df, name) {
  # 15 significant digits (write.csv default) is far below the 1e-6 tolerances.
  write.csv(df, file.path(out_dir, name), row.names = FALSE, na = "NA")
}

five <- data.frame(time = c(1, 2, 4, 4, 6), status = c(0, 1, 1, 0, 1))
aml_data <- data.frame(time = aml$time, status = aml$status, x = as.character(aml$x))
lung_data <- data.frame(time = lung$time, status = lung$status - 1L, sex = lung$sex,
                        age = lung$age, ph_ecog = lung$ph.ecog)
out(five, "data_five.csv")
out(aml_data, "data_aml.csv")
out(lung_data, "data_lung.csv")

out(data.frame(component = c("R", "survival"),
               version = c(paste(R.version$major, R.version$minor, sep = "."),
                           as.character(packageVersion("survival")))),
    "r_versions.csv")

# Kaplan-Meier table at every distinct time (events and censorings):
# survfit(conf.type = "plain") and survfit(conf.type = "log-log"), conf.int = 0.95.
# std.err from summary() is the Greenwood SE of S(t) (not of the cumulative hazard).
km_sets <- list(
  five = five,
  aml = aml_data,
  aml_maintained = aml_data[aml_data$x == "Maintained", ],
  aml_nonmaintained = aml_data[aml_data$x == "Nonmaintained", ],
  lung = lung_data
)
km_rows <- list()
for (nm in names(km_sets)) {
  d <- km_sets[[nm]]
  fp <- survfit(Surv(time, status) ~ 1, data = d, conf.type = "plain")
  fl <- survfit(Surv(time, status) ~ 1, data = d, conf.type = "log-log")
  km_rows[[nm]] <- data.frame(
    dataset = nm, time = fp$time, n_risk = fp$n.risk, n_event = fp$n.event,
    n_censor = fp$n.censor, surv = fp$surv,
    std_err = fp$surv * fp$std.err,  # survfit stores the SE of the cumulative hazard
    lower_plain = fp$lower, upper_plain = fp$upper,
    lower_loglog = fl$lower, upper_loglog = fl$upper)
}
out(do.call(rbind, km_rows), "km_table.csv")

# Same at a 90% level (conf.int = 0.90), plain and log-log, lung only.
fp <- survfit(Surv(time, status) ~ 1, data = lung_data, conf.type = "plain", conf.int = 0.90)
fl <- survfit(Surv(time, status) ~ 1, data = lung_data, conf.type = "log-log", conf.int = 0.90)
out(data.frame(dataset = "lung", time = fp$time, surv = fp$surv,
               lower_plain = fp$lower, upper_plain = fp$upper,
               lower_loglog = fl$lower, upper_loglog = fl$upper), "km_table_level90.csv")

# summary(survfit(conf.type = "plain"), times = ..., extend = TRUE): right-continuous
# S(t), SE, plain interval, n.risk (number with time >= t), including times that fall
# exactly on an event time, between times, before the first and after the last time.
at_sets <- list(
  five = list(d = five, times = c(0, 0.5, 1, 2, 3, 4, 5, 6, 7)),
  aml = list(d = aml_data, times = c(0, 5, 8, 10, 23, 30, 45, 48, 100, 161, 200)),
  aml_nonmaintained = list(d = km_sets$aml_nonmaintained, times = c(0, 5, 12, 44.9, 45, 50)),
  lung = list(d = lung_data, times = c(0, 100, 182.5, 365, 500, 730, 1000, 1022, 1100))
)
at_rows <- list()
for (nm in names(at_sets)) {
  s <- summary(survfit(Surv(time, status) ~ 1, data = at_sets[[nm]]$d, conf.type = "plain"),
               times = at_sets[[nm]]$times, extend = TRUE)
  at_rows[[nm]] <- data.frame(dataset = nm, time = s$time, n_risk = s$n.risk,
                              surv = s$surv, std_err = s$std.err,
                              lower = s$lower, upper = s$upper)
}
out(do.call(rbind, at_rows), "survival_at.csv")

# Numbers at risk by group: summary(survfit(Surv ~ group), times, extend = TRUE)$n.risk.
risk_rows <- list()
for (spec in list(list(nm = "aml", d = aml_data, g = "x", times = c(0, 10, 20, 40, 60, 161, 200)),
                  list(nm = "lung", d = lung_data, g = "sex", times = c(0, 180, 365, 730, 1000, 1100)))) {
  d <- spec$d
  d$group <- d[[spec$g]]
  s <- summary(survfit(Surv(time, status) ~ group, data = d), times = spec$times, extend = TRUE)
  risk_rows[[spec$nm]] <- data.frame(dataset = spec$nm, group = sub("^group=", "", as.character(s$strata)),
                                     time = s$time, n_risk = s$n.risk)
}
out(do.call(rbind, risk_rows), "at_risk.csv")

# Log-rank test: survdiff(Surv(time, status) ~ group) (rho = 0).
lr <- function(nm, d, g) {
  d$group <- d[[g]]
  d <- d[!is.na(d$group), ]
  sd <- survdiff(Surv(time, status) ~ group, data = d)
  data.frame(dataset = nm, group_col = g, chisq = sd$chisq,
             df = length(sd$n) - 1, p = pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE))
}
out(rbind(lr("aml", aml_data, "x"), lr("lung", lung_data, "sex"),
          lr("lung", lung_data, "ph_ecog")), "logrank.csv")

# Log-rank observed and expected per group, lung by ph.ecog (four groups, one of size 1).
d <- lung_data[!is.na(lung_data$ph_ecog), ]
sd <- survdiff(Surv(time, status) ~ ph_ecog, data = d)
out(data.frame(group = sub("^ph_ecog=", "", names(sd$n)), observed = sd$obs, expected = sd$exp),
    "logrank_lung_ph_ecog_oe.csv")

# Cox model: coxph(Surv(time, status) ~ covariates) with the default Efron ties;
# Wald CI exp(coef -/+ 1.96 se) and Wald p from summary().
cox_rows <- list()
cox_specs <- list(list(nm = "lung", d = lung_data, f = Surv(time, status) ~ age + sex),
                  list(nm = "aml", d = transform(aml_data, nonmaintained = as.integer(x == "Nonmaintained")),
                       f = Surv(time, status) ~ nonmaintained))
zph_rows <- list()
for (spec in cox_specs) {
  fit <- coxph(spec$f, data = spec$d, ties = "efron")
  sm <- summary(fit)
  cox_rows[[spec$nm]] <- data.frame(dataset = spec$nm, covariate = names(coef(fit)),
                                    coef = unname(coef(fit)), se = sqrt(diag(fit$var)),
                                    hr = sm$conf.int[, "exp(coef)"],
                                    lower = sm$conf.int[, "lower .95"],
                                    upper = sm$conf.int[, "upper .95"],
                                    p = sm$coefficients[, "Pr(>|z|)"])
  # (a) survival >= 3.0 cox.zph(transform = "km"): score test with the full
  #     information matrix of the model extended by x * g(t).
  z <- cox.zph(fit, transform = "km")
  # (b) The Grambsch & Therneau (1994) approximation used by cox.zph before
  #     survival 3.0 (and by lifelines), from R's own Schoenfeld residuals,
  #     vcov(fit) and the same g(t) = 1 - S(t-): zph_gt1994.R.
  gt <- zph_gt1994(fit, spec$d$time, spec$d$status)
  nv <- length(coef(fit))
  zph_rows[[spec$nm]] <- data.frame(
    dataset = spec$nm, covariate = rownames(z$table),
    chisq_r3 = z$table[, "chisq"], df_r3 = z$table[, "df"], p_r3 = z$table[, "p"],
    chisq_gt1994 = unname(gt),
    p_gt1994 = pchisq(unname(gt), c(rep(1, nv), if (nv > 1) nv), lower.tail = FALSE))
}
out(do.call(rbind, cox_rows), "cox.csv")
out(do.call(rbind, zph_rows), "cox_zph.csv")

# Restricted mean: summary(survfit(...), rmean = tau)$table[c("rmean", "se(rmean)")],
# the same numbers print(fit, rmean = tau) shows. tau before, on, between and after
# the observed times.
rm_rows <- list()
for (spec in list(list(nm = "five", d = five, taus = c(1, 2, 3, 4, 6, 10)),
                  list(nm = "aml", d = aml_data, taus = c(10, 23, 40, 161, 200)),
                  list(nm = "aml_nonmaintained", d = km_sets$aml_nonmaintained, taus = c(30, 45, 60)),
                  list(nm = "lung", d = lung_data, taus = c(182.5, 365, 730, 1022)))) {
  fit <- survfit(Surv(time, status) ~ 1, data = spec$d)
  for (tau in spec$taus) {
    tb <- summary(fit, rmean = tau)$table
    rm_rows[[length(rm_rows) + 1]] <- data.frame(dataset = spec$nm, tau = tau,
                                                 rmean = tb[["rmean"]], se = tb[["se(rmean)"]])
  }
}
out(do.call(rbind, rm_rows), "rmean.csv")

# Median and its CI from the plain-interval curve: summary(survfit(conf.type = "plain"))$table.
# "reverse" is the reverse Kaplan-Meier median follow-up: Surv(time, 1 - status).
med_rows <- list()
for (nm in c("five", "aml", "aml_maintained", "aml_nonmaintained", "lung")) {
  d <- km_sets[[nm]]
  for (direction in c("forward", "reverse")) {
    ev <- if (direction == "forward") d$status else 1 - d$status
    tb <- summary(survfit(Surv(d$time, ev) ~ 1, conf.type = "plain"))$table
    med_rows[[length(med_rows) + 1]] <- data.frame(dataset = nm, direction = direction,
                                                   median = tb[["median"]],
                                                   lower = tb[["0.95LCL"]], upper = tb[["0.95UCL"]])
  }
}
out(do.call(rbind, med_rows), "median.csv")

# Exact binomial (Clopper-Pearson) interval: binom.test(k, n, conf.level = level)$conf.int.
bn <- expand.grid(k = c(0, 1, 7, 19, 20), n = 20, level = c(0.95, 0.90))
bn <- rbind(bn, data.frame(k = c(0, 1, 46, 210), n = c(1, 1, 210, 210), level = 0.95))
ci <- t(mapply(function(k, n, level) binom.test(k, n, conf.level = level)$conf.int,
               bn$k, bn$n, bn$level))
bn$lower <- ci[, 1]
bn$upper <- ci[, 2]
out(bn, "binom.csv")
cat("fixtures written to", out_dir, "\n")
