# COINr's two tables of the repository's fixtures/coin-toy (worked by hand in its README).
toy_meta <- function() {
  data.frame(
    Level = c(1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, NA, NA),
    iCode = c("i1", "i2", "i3", "i4", "i5", "i6", "S1", "S2", "S3", "P1", "P2", "IDX", "Pop", "Region"),
    iName = c("Broadband coverage", "Network outages", "Online services", "E-payments",
              "Digital skills", "Patents", "Infrastructure", "Services", "Human capital",
              "Digital government", "Digital society", "Toy index", "Population", "Region"),
    Direction = c(1, -1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, NA, NA),
    Weight = c(1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, NA, NA),
    Parent = c("S1", "S1", "S2", "S2", "S3", "S3", "P1", "P1", "P2", "IDX", "IDX", NA, NA, NA),
    Type = c(rep("Indicator", 6), rep("Aggregate", 6), "Denominator", "Group"),
    Denominator = c(NA, NA, "Pop", rep(NA, 11)),
    stringsAsFactors = FALSE
  )
}

toy_data <- function() {
  data.frame(uCode = c("A", "B", "C"), uName = c("Alpha", "Beta", "Gamma"), Time = 2024,
             Region = c("North", "South", "North"), Pop = c(10, 20, 5),
             i1 = c(20, 60, 100), i2 = c(4, 2, 0), i3 = c(50, 200, 50), i4 = c(70, 50, 30),
             i5 = c(40, NA, 80), i6 = c(NA, 2, 6), stringsAsFactors = FALSE)
}

# The native `dti` command, when the test run is given one (DTI_NATIVE), for side-by-side checks.
native_command <- function() {
  path <- Sys.getenv("DTI_NATIVE")
  if (!nzchar(path) || !file.exists(path)) skip("DTI_NATIVE is not set: no dti command to compare with")
  path
}

spec_w <- function(runs = 200) {
  list(runs = runs, seed = 2022, inputs = list(
    list(name = "w", kind = "weight_noise", factor = 0.25, depth = 2)))
}
