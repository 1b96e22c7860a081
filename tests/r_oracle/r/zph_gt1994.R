# The Grambsch & Therneau (1994) proportional-hazards test, computed in R independently
# of lifelines: the formula R's cox.zph used before survival 3.0 (survival 2.x), from
# R's own Schoenfeld residuals, vcov(fit) and the time scale g(t) = 1 - S(t-), one
# minus the left-continuous Kaplan-Meier curve of the model's data (cox.zph's
# transform = "km"). Survival >= 3.0's cox.zph is a score test instead; both are
# written by the callers so the tests can show the difference.
#
# Sourced by make_fixtures.R and cohort_oracle.R. Returns a named vector: one chi2 per
# covariate (df 1) and, with more than one covariate, "GLOBAL" (df = covariates).
zph_gt1994 <- function(fit, time, status) {
  sres <- as.matrix(residuals(fit, type = "schoenfeld"))  # unscaled, one row per event
  ndead <- nrow(sres)
  # Event times from the data, not from rownames(sres): those are printed with 15
  # digits, and a time like 1/12 read back can land just above itself, which would
  # turn S(t-) into S(t). The residuals come sorted by time, as these do.
  dtimes <- sort(time[status == 1])
  km <- survfit(Surv(time, status) ~ 1)
  g <- 1 - c(1, km$surv)[findInterval(dtimes, km$time, left.open = TRUE) + 1]
  xx <- g - mean(g)
  v <- vcov(fit)
  test <- drop(xx %*% (sres %*% v * ndead))  # time-weighted sums of the scaled residuals
  chisq <- test^2 / (diag(v) * ndead * sum(xx^2))
  names(chisq) <- names(coef(fit))
  if (length(chisq) > 1) {
    ut <- drop(xx %*% sres)
    chisq <- c(chisq, GLOBAL = drop(ut %*% v %*% ut) * ndead / sum(xx^2))
  }
  chisq
}

