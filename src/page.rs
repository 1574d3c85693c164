//! Free pages (`content/pages`): process docs such as "how we run incidents".

use crate::document::{Ctx, Meta};
use crate::source::SourceFile;
use crate::yaml::Value;

pub const KNOWN_KEYS: &[&str] = &["title", "id", "description", "weight", "tags"];

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub meta: Meta,
    pub description: Option<String>,
    pub extra: Vec<(String, Value)>,
}

pub fn parse(ctx: &mut Ctx, file: &SourceFile) -> Page {
    let mut meta = ctx.meta(file);
    let description = ctx.text("description");
    meta.summary = description.clone().unwrap_or_else(|| ctx.first_paragraph(None));
    let extra = ctx.unknown_keys("", KNOWN_KEYS);
    Page { meta, description, extra }
}
