//! One module per command; each `run` takes the command's arguments.

pub mod coin;
pub mod compare;
pub mod explain;
pub mod frameworks;
pub mod leave_one_out;
pub mod merge;
pub mod plot;
pub mod scenario;
pub mod score;
pub mod sensitivity;
pub mod uncertainty;
