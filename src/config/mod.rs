//! The only file reading below the front-ends: policy-set files and calendar files
//! (TOML, parsed into the pure `policy` and `calendar` types), and the user's
//! configuration file. The model modules never import this one.

pub mod calendars;
pub mod policies;
mod replies;
pub(crate) mod toml;
mod user;

pub use replies::{load_reply_files, own_reply_templates, replies_dir};
pub use user::{
    Config, HookSpec, HooksConfig, MailConfig, UNDO_SECONDS_MAX, config_path, load_config,
    undo_seconds,
};
