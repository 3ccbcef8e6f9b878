//! Modules of `gemini-live-load` (one job each).

pub mod args;
pub mod clock;
pub mod codec;
pub mod drain;
pub mod floor;
pub mod mock_proc;
pub mod report;
pub mod sessions;
pub mod stats;
pub mod ticker;
pub mod usage;
