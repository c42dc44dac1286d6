//! Blocks → HTML for e-mail: one self-contained document, every text escaped,
//! inline styles only (mail clients drop style sheets), no scripts, no images.

use crate::markup::{Block, Document};

/// Renders `document` as an HTML page titled `title`.
pub fn render(document: &Document, title: &str) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(&escape(document.language()));
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    out.push_str(&escape(title));
    out.push_str("</title>\n</head>\n<body style=\"font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; font-size: 15px; line-height: 1.45; color: #111; max-width: 46em; margin: 0 auto; padding: 1em;\">\n");
    for (index, section) in document.sections.iter().enumerate() {
        if index > 0 {
            out.push_str("<hr style=\"border: 0; border-top: 1px solid #999; margin: 2em 0;\">\n");
        }
        out.push_str("<section lang=\"");
        out.push_str(&escape(&section.language));
        out.push_str("\">\n");
        let mut open: Option<&'static str> = None;
        for block in &section.blocks {
            let wanted = match block {
                Block::Item(_) => Some("ul"),
                Block::Row { .. } => Some("table"),
                _ => None,
            };
            if open != wanted {
                if let Some(tag) = open {
                    out.push_str(&format!("</{tag}>\n"));
                }
                match wanted {
                    Some("ul") => out.push_str("<ul style=\"padding-left: 1.4em;\">\n"),
                    Some(_) => out.push_str(
                        "<table style=\"border-collapse: collapse; margin: 0.5em 0;\">\n",
                    ),
                    None => {}
                }
                open = wanted;
            }
            match block {
                Block::Title(text) => {
                    out.push_str("<h1 style=\"font-size: 1.3em;\">");
                    out.push_str(&escape(text));
                    out.push_str("</h1>\n");
                }
                Block::Heading(text) => {
                    out.push_str("<h2 style=\"font-size: 1.05em; margin-top: 1.2em;\">");
                    out.push_str(&escape(text));
                    out.push_str("</h2>\n");
                }
                Block::Paragraph(text) => {
                    out.push_str("<p>");
                    out.push_str(&inline(text));
                    out.push_str("</p>\n");
                }
                Block::Item(text) => {
                    out.push_str("<li style=\"overflow-wrap: anywhere;\">");
                    out.push_str(&inline(text));
                    out.push_str("</li>\n");
                }
                Block::Row { key, value } => {
                    out.push_str("<tr><th scope=\"row\" style=\"text-align: left; vertical-align: top; padding: 0.2em 1em 0.2em 0;\">");
                    out.push_str(&escape(key));
                    out.push_str("</th><td style=\"vertical-align: top; padding: 0.2em 0; overflow-wrap: anywhere;\">");
                    out.push_str(&inline(value));
                    out.push_str("</td></tr>\n");
                }
            }
        }
        if let Some(tag) = open {
            out.push_str(&format!("</{tag}>\n"));
        }
        if let Some(footer) = &section.footer {
            out.push_str("<footer style=\"margin-top: 2em; font-size: 0.85em; color: #444;\"><p>");
            out.push_str(&inline(footer));
            out.push_str("</p></footer>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Escapes text, and makes a whole-block `http(s)://` address a link.
///
/// Only a block that is one address becomes a link, so a sentence is never
/// cut into pieces; the scheme check keeps `javascript:` and the like out of
/// `href`.
fn inline(text: &str) -> String {
    let is_address = (text.starts_with("https://") || text.starts_with("http://"))
        && !text.chars().any(char::is_whitespace);
    if is_address {
        let escaped = escape(text);
        format!("<a href=\"{escaped}\">{escaped}</a>")
    } else {
        escape(text)
    }
}

/// HTML-escapes text for element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_links_only_addresses() {
        assert_eq!(escape("<script>\"&'"), "&lt;script&gt;&quot;&amp;&#39;");
        assert_eq!(
            inline("https://a.kz/?x=1&y=<2>"),
            "<a href=\"https://a.kz/?x=1&amp;y=&lt;2&gt;\">https://a.kz/?x=1&amp;y=&lt;2&gt;</a>"
        );
        assert_eq!(inline("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(inline("see https://a.kz"), "see https://a.kz");
    }
}
