# The COINr pipeline on COINr's own tables.

#' The COINr pipeline
#'
#' Builds the index from COINr's two tables, as `COINr::new_coin()` takes them, and runs
#' the steps COINr runs — denominate, impute, screen, treat, normalise, aggregate — with
#' COINr's numbers (tested against COINr on its ASEM data).
#'
#' @param iData The data: a data frame or a CSV file with `uCode`, `uName`, `Time`, group
#'   and denominator columns and one column per indicator (COINr's `iData`).
#' @param iMeta The metadata: `iCode`, `iName`, `Level`, `Parent`, `Direction`, `Weight`,
#'   `Type` (`Indicator`, `Aggregate`, `Group`, `Denominator`), `Denominator` (COINr's
#'   `iMeta`).
#' @param denominate Divide indicators by their denominators first.
#' @param impute,treat,normalise,aggregate Each a method as a named list (the command's
#'   JSON: `list(method = "min_max", l = 0, u = 100)`) or the command's short form
#'   (`"minmax:0,100"`, `"geometric"`, `"group-mean:GDP_group"`, `"winsor:5"`; `dti coin
#'   --help` lists them). `NULL`: COINr's default (no imputation or treatment, min-max to
#'   0-100, arithmetic means).
#' @param screen The least share of indicators a unit must report to be kept (0-1).
#' @return A `dti_coin`: `results` (the columns of [dti_score()], COINr's
#'   `Results$FullScore`), `data` (the data sets by stage as COINr names them: `Raw`, then
#'   `Denominated`, `Imputed`, `Screened`, `Treated` when those steps ran, `Normalised`,
#'   and `Aggregated`: the normalised indicators with every aggregate's value and the
#'   index's, as COINr's `Aggregate()` adds them), `treatment` (per indicator and period: skew and kurtosis before and
#'   after, points winsorised, log), `weights` (each node's share and effective weight),
#'   `statistics` (COINr `get_stats()`' names: `Min`, `Max`, `Mean`, `Median`, `Std`,
#'   `Skew`, `Kurt`, `N.Avail`, `Frc.Avail`, …), `correlations` (of the normalised
#'   indicators), and `report` (everything, as `dti coin --format json`).
#' @export
#' @examples
#' asem <- dti_example("asem")
#' coin <- dti_coin(asem$iData, asem$iMeta, denominate = TRUE, impute = "mean")
#' head(coin$results[order(coin$results$rank), c("unit", "value", "rank")])
dti_coin <- function(iData, iMeta, denominate = FALSE, impute = NULL, screen = NULL,
                     treat = NULL, normalise = NULL, aggregate = NULL) {
  pipeline <- list(denominate = flag("denominate", denominate))
  methods <- list(impute = impute, treat = treat, normalise = normalise, aggregate = aggregate)
  for (k in names(methods)) {
    m <- methods[[k]]
    if (is.character(m) && length(m) == 1L) m <- native(.Call(wrap__method_spec, k, m))
    if (!is.null(m)) pipeline[[k]] <- m
  }
  if (!is.null(screen)) pipeline$screen <- screen
  meta <- as_source(iMeta, "iMeta")
  data <- as_source(iData, "iData")
  r <- native(.Call(wrap__coin, meta, data, pipeline))
  report <- r$report
  structure(list(
    results = like(r$results, iData),
    data = lapply(r$data, like, data = iData),
    treatment = treatment_table(report$treatment),
    weights = weights_table(report),
    statistics = statistics_table(report$statistics),
    correlations = correlations_table(report$correlations),
    report = report
  ), class = "dti_coin")
}

#' @export
print.dti_coin <- function(x, ...) {
  cat(sprintf("<dti_coin> %d units; data sets: %s\n", nrow(x$results),
              paste(names(x$data), collapse = ", ")))
  print(utils::head(x$results[order(x$results$rank), c("unit", "value", "rank")], 10),
        row.names = FALSE)
  invisible(x)
}

treatment_table <- function(t) {
  if (!is.data.frame(t) || nrow(t) == 0) {
    return(data.frame(indicator = character(), period = integer(), skew = numeric(),
                      kurtosis = numeric(), passed = logical(), winsorised_high = integer(),
                      winsorised_low = integer(), log = logical(), skew_after = numeric(),
                      kurtosis_after = numeric()))
  }
  moved <- lapply(t$winsorised, function(w) if (is.data.frame(w)) w else NULL)
  count <- function(f) vapply(moved, function(w) if (is.null(w)) 0L else sum(f(w)), integer(1))
  out <- data.frame(indicator = t$indicator, period = as.integer(t$period), skew = t$skew,
                    kurtosis = t$kurtosis, passed = t$passed,
                    winsorised_high = count(function(w) w$to < w$from),
                    winsorised_low = count(function(w) w$to > w$from), log = t$log,
                    skew_after = t$skew_after, kurtosis_after = t$kurtosis_after)
  out$units <- lapply(moved, function(w) if (is.null(w)) character() else w$unit[order(w$row)])
  out
}

weights_table <- function(report) {
  w <- report$effective_weights
  parents <- report$parents
  parent_of <- stats::setNames(vapply(parents, function(p) if (is.null(p[[2]])) NA_character_ else p[[2]],
                                      character(1)),
                               vapply(parents, function(p) p[[1]], character(1)))
  parent <- unname(parent_of[w$code])
  parent[is.na(parent)] <- report$index
  data.frame(iCode = w$code, parent = parent, share = w$share, effective_weight = w$weight)
}

statistics_table <- function(s) {
  summary <- s$summary
  field <- function(k) vapply(summary, function(x) if (is.null(x[[k]])) NA_real_ else as.numeric(x[[k]]),
                              numeric(1))
  m <- lapply(stats::setNames(nm = c("min", "max", "mean", "median", "sd", "skew", "kurtosis",
                                     "available", "share_available", "n", "share_zero")), field)
  flags <- s$flags
  has <- function(f) vapply(flags, function(x) f %in% x, logical(1))
  out <- data.frame(iCode = s$code, Min = m$min, Max = m$max, Mean = m$mean, Median = m$median,
                    Std = m$sd, Skew = m$skew, Kurt = m$kurtosis,
                    N.Avail = as.integer(m$available), Frc.Avail = m$share_available,
                    Flag.Avail = ifelse(has("low_availability"), "LOW", "ok"),
                    Flag.SkewKurt = ifelse(has("outliers"), "OUT", "ok"),
                    N = as.integer(m$n), Frc.Zero = m$share_zero, check.names = FALSE)
  out$flags <- lapply(flags, as.character)
  out
}

correlations_table <- function(c) {
  codes <- as.character(c$codes)
  rows <- lapply(c$matrix, function(r) vapply(r, function(x) if (is.null(x)) NA_real_ else x, numeric(1)))
  m <- do.call(rbind, rows)
  if (is.null(m)) m <- matrix(numeric(), 0, 0)
  out <- data.frame(iCode = codes, m, check.names = FALSE)
  names(out) <- c("iCode", codes)
  out
}
