//! `carebook init` and `carebook new`: the files a new site or page starts from.

pub mod init;
pub mod new_page;
