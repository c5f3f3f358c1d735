//! Mail: parsing received messages (pure, [`parse`]) and composing outgoing ones
//! ([`compose`]). Transports (SMTP, sendmail) are the front-end's business (`cli::mail_cmd`).

pub mod compose;
pub mod parse;
