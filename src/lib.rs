//! nanoinit's pure logic: everything that decides, nothing that acts.
//!
//! The binary (`src/bin/nanoinit/main.rs`) owns every syscall; this library holds parsing,
//! signal names, PATH iteration, status mapping and formatting, so that all of
//! it is unit- and property-tested on the host with std.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod bytes;
pub mod config;
pub mod errno;
pub mod help;
pub mod line;
pub mod num;
pub mod path;
pub mod policy;
pub mod proc;
pub mod signals;
pub mod status;
pub mod text;
