# dti_uncertainty() on the 63 x 98 benchmark (fixtures/bench) beside the same kind of work in
# a plain R loop, in one run. Prints medians and their ratio.
#   Rscript bindings/r/bench/uncertainty.R [runs]   (from the repository's root)
suppressMessages(library(dti))
args <- commandArgs(trailingOnly = TRUE)
runs <- if (length(args) > 0) as.integer(args[[1]]) else 1000L
units <- "fixtures/bench/units-63x98.json"
fw <- dti_framework("fixtures/bench/framework-98.json")
spec <- list(runs = runs, seed = 1, inputs = list(
  list(name = "main-indicator weights", kind = "weight_noise", factor = 0.25, depth = 2)))

median_time <- function(f, times = 5L) {
  stats::median(vapply(seq_len(times), function(i) system.time(f())[["elapsed"]], numeric(1)))
}

# The baseline: each run draws the main indicators' weights (±25 %), sums their points so
# weighted and ranks the units — vectorised R inside a loop over runs, the way an analyst
# would write it by hand on the scores dti gives.
scores <- dti_score(units, fw)
def <- dti:::native(.Call(dti:::wrap__framework_info, fw$definition))$nodes
roots <- def$code[is.na(def$parent)]
main <- def$code[!is.na(def$parent) & def$parent %in% roots]
points <- as.matrix(scores[, paste0(main, ".points")])
plain_r <- function() {
  set.seed(1)
  ranks <- matrix(0L, runs, nrow(points))
  for (r in seq_len(runs)) {
    w <- stats::runif(length(main), 0.75, 1.25)
    ranks[r, ] <- rank(-(points %*% w), ties.method = "min")
  }
  apply(ranks, 2, stats::quantile, probs = c(0.05, 0.5, 0.95))
}

t_dti <- median_time(function() dti_uncertainty(units, spec, fw, progress = FALSE))
t_r <- median_time(plain_r)
cat(sprintf("63 x 98, %d runs (median of 5)\n", runs))
cat(sprintf("  dti_uncertainty():  %8.1f ms\n", 1000 * t_dti))
cat(sprintf("  plain R loop:       %8.1f ms  (%.1fx dti)\n", 1000 * t_r, t_r / t_dti))
