# Reference output of R's metafor for tests/test_peers.py (DerSimonian-Laird pooling).
#
#   Rscript tests/r_oracle/r/metafor_fixture.R        (from the repository root)
#
# Worked example: metafor's own BCG vaccine data (dat.bcg, 13 trials), log risk
# ratios and their sampling variances from
#   escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
# pooled by
#   rma(yi, vi, data = dat, method = "DL")
# (metafor's default test = "z", level = 95). The inputs are written next to the
# output so the Python test reads the same rows; CI never runs R.
suppressPackageStartupMessages(library(metafor))

out_dir <- file.path("tests", "fixtures", "r")
if (!dir.exists(out_dir)) stop("run from the repository root: ", out_dir, " not found")

dat <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
write.csv(data.frame(trial = dat$trial, author = dat$author, year = dat$year,
                     yi = as.numeric(dat$yi), vi = as.numeric(dat$vi)),
          file.path(out_dir, "metafor_dl_data.csv"), row.names = FALSE)

fit <- rma(yi, vi, data = dat, method = "DL")
result <- data.frame(
  k = fit$k,
  estimate = as.numeric(fit$b),
  se = fit$se,
  ci_lower = fit$ci.lb,
  ci_upper = fit$ci.ub,
  z = fit$zval,
  p = fit$pval,
  tau2 = fit$tau2,
  q = fit$QE,
  q_df = fit$k - 1,
  q_p = fit$QEp,
  i2 = fit$I2,
  h2 = fit$H2,
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  metafor_version = as.character(packageVersion("metafor"))
)
write.csv(result, file.path(out_dir, "metafor_dl.csv"), row.names = FALSE)
print(fit)
