# Frameworks: the built-in ones, or a definition from a file or an R list.

#' The built-in frameworks
#'
#' @return A data frame: `id`, `name_en`, `name_vi`, `source`, and `ready` (`FALSE` for a
#'   provisional framework whose unpublished parameters must be supplied, see
#'   [dti_framework()]'s `supplement`).
#' @export
#' @examples
#' dti_frameworks()[, c("id", "ready")]
dti_frameworks <- function() {
  .Call(wrap__frameworks_table)
}

#' A scoring framework
#'
#' A framework is the tree of indicators with their points, weights, directions and rules
#' (normalisation, aggregation, missing values). Every function that scores takes one: a
#' built-in id, a file, a definition as an R list, or the result of this function.
#'
#' @param x A built-in id (see [dti_frameworks()]; `"total"` scores a published DTI value
#'   alone), the path of a framework file (JSON, or TOML when it ends in `.toml`), a
#'   definition as a named list (the JSON's fields), or a `dti_framework`.
#'   Or COINr's `iMeta` (a data frame as `COINr::new_coin()` takes it), with `iData`.
#' @param supplement For a provisional built-in: the points and weights its source does
#'   not publish, as a named list (the `dti --supplement` file's fields).
#' @param iData With an `iMeta` as `x`: COINr's data table, whose columns the metadata is
#'   checked against. Every function that takes a `framework` takes an `iMeta` there too,
#'   its `data` being the `iData`: `dti_uncertainty(asem$iData, spec, asem$iMeta)`.
#' @return A `dti_framework`: `id` and `definition` (its JSON text). It can be saved with
#'   `saveRDS()`; `print()` shows its name and size, `str(unclass(x))` everything.
#' @export
#' @examples
#' fw <- dti_framework("vn-pdti-2022")
#' fw
#' asem <- dti_example("asem")
#' dti_framework(asem$iMeta, iData = asem$iData)
dti_framework <- function(x = "vn-pdti-2022", supplement = NULL, iData = NULL) {
  if (inherits(x, "dti_framework")) return(x)
  if (is.data.frame(x)) {
    if (is.null(iData)) bad_argument("iData", "an iMeta table describes a framework with its iData")
    meta <- as_source(x, "iMeta")
    def <- native(.Call(wrap__framework_from_coinr, meta, as_source(iData, "iData")))
  } else if (is.list(x)) {
    def <- native(.Call(wrap__framework_from_list, x))
  } else if (is.character(x) && length(x) == 1L && !is.na(x)) {
    looks_like_file <- file.exists(x) && !dir.exists(x)
    if (looks_like_file) {
      text <- native(.Call(wrap__read_text, normalizePath(x)))
      def <- native(.Call(wrap__framework_parse, text, grepl("\\.toml$", x), x))
    } else {
      def <- native(.Call(wrap__framework_builtin, x, supplement))
    }
  } else {
    bad_argument("framework", sprintf("expected an id, a file, a list or a dti_framework, got %s", shown(x)))
  }
  info <- native(.Call(wrap__framework_info, def))
  structure(list(id = info$id, definition = def), class = "dti_framework")
}

#' @export
print.dti_framework <- function(x, ...) {
  info <- native(.Call(wrap__framework_info, x$definition))
  cat(sprintf("<dti_framework> %s: %s\n", info$id, info$name_en))
  points <- if (is.null(info$max_points)) "" else sprintf(", %s points", format(info$max_points))
  cat(sprintf("%d nodes, %d leaves%s\n", nrow(info$nodes), info$leaves, points))
  invisible(x)
}

# The JSON definition of any framework argument (COINr's iMeta with its data, the iData).
definition <- function(framework, data = NULL) {
  dti_framework(framework, iData = if (is.data.frame(framework)) data)$definition
}
