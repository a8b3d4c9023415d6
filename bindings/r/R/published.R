# The bundled data.

#' The official DTI results as the ministry published them
#'
#' Source: Bộ Khoa học và Công nghệ, kết quả DTI cấp tỉnh (dti.gov.vn), as transcribed in
#' Tuan04-D/opendx (MIT licence); official public statistics.
#'
#' @param id `"dti-2024"`: DTI 2024 of the 34 provinces after the 2025 merger (`unit`,
#'   `name`, `period`, `rank`, `DTI` and the eight main indicators `AWR` … `SOC`, scored by
#'   `"vn-pdti-2024"`); `"dti-63"`: the DTI of the 63 provinces for 2022, 2023 and 2024
#'   (`unit`, `name`, `period`, `DTI`, scored by the framework `"total"`).
#' @return A data frame; units are the registry's ids, names as published.
#' @export
#' @examples
#' p <- dti_published()
#' head(p[order(p$rank), c("name", "DTI", "rank")])
dti_published <- function(id = "dti-2024") {
  if (!is.character(id) || length(id) != 1L) bad_argument("id", "expected \"dti-2024\" or \"dti-63\"")
  d <- .Call(wrap__published, id)
  if (is.null(d)) bad_argument("id", sprintf("no published data '%s'; available: dti-2024, dti-63", id))
  d$data
}

#' The synthetic 63-province panel
#'
#' The data the `dti` command scores by default: 63 provinces, 2021-2023, the nine main
#' indicators of `"vn-pdti-2022"` (values 0-1), made up for examples and tests.
#'
#' @return A data frame: `unit`, `name`, `period` and one column per indicator.
#' @export
#' @examples
#' head(dti_synthetic())
dti_synthetic <- function() {
  utils::read.csv(text = .Call(wrap__bundled_csv), encoding = "UTF-8", check.names = FALSE,
                  stringsAsFactors = FALSE)
}

#' COINr's example data shipped with the package
#'
#' @param name `"asem"`: COINr's ASEM data set (51 countries, 49 indicators), at full
#'   precision; see `system.file("extdata", "README.md", package = "dti")`.
#' @return A list: `iData` and `iMeta`, data frames as COINr's `new_coin()` takes them.
#' @export
#' @examples
#' asem <- dti_example()
#' dim(asem$iData)
dti_example <- function(name = "asem") {
  if (!identical(name, "asem")) bad_argument("name", "the one example is \"asem\"")
  path <- function(f) system.file("extdata", f, package = "dti", mustWork = TRUE)
  read <- function(f) utils::read.csv(path(f), check.names = FALSE, stringsAsFactors = FALSE,
                                      encoding = "UTF-8")
  list(iData = read("asem_iData.csv"), iMeta = read("asem_iMeta.csv"))
}
