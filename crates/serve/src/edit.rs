//! The scenario a page downloads: its TOML text with the page's `--set`
//! overrides written into it, comments and layout kept, so running the
//! file alone gives the page's numbers. An override this cannot place
//! (a path the text does not hold as the validator would read it) leaves
//! the text as loaded, with every override listed at its top instead.

use toml_edit::{DocumentMut, Item, Value};

use fundgap::names::slug;

/// `text` with `overrides` (`PATH=VALUE`, in order) applied, or None when
/// one of them cannot be placed.
pub fn apply(text: &str, overrides: &[String]) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    for o in overrides {
        let (path, value) = o.split_once('=')?;
        let value: Value = value.trim().parse().ok()?;
        let segments: Vec<&str> = path.trim().split('.').collect();
        if !set(doc.as_item_mut(), &segments, &value) {
            return None;
        }
    }
    Some(doc.to_string())
}

/// Sets `path` under `item` to `value`; whether it could.
fn set(item: &mut Item, path: &[&str], value: &Value) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    if rest.is_empty() {
        return match item {
            Item::Table(t) => {
                // Replaced in place, so the key keeps the comments above
                // it and the value those after it.
                match t.get_mut(first) {
                    Some(Item::Value(old)) => {
                        let mut v = value.clone();
                        *v.decor_mut() = old.decor().clone();
                        *old = v;
                    }
                    Some(_) => return false,
                    None => {
                        t.insert(first, Item::Value(value.clone()));
                    }
                }
                true
            }
            Item::Value(Value::InlineTable(t)) => {
                t.insert(*first, value.clone());
                true
            }
            _ => false,
        };
    }
    let Some(child) = (match item {
        Item::Table(t) => t.get_mut(first),
        Item::Value(Value::InlineTable(_)) => {
            // An inline table's inner tables are values: not placed here.
            None
        }
        _ => None,
    }) else {
        return false;
    };
    // An array of tables: the next segment names entries by id or name.
    if let Item::ArrayOfTables(entries) = child {
        let (want, below) = match rest.split_first() {
            Some(x) => x,
            None => return false,
        };
        let mut placed = false;
        for t in entries.iter_mut() {
            let key = ["id", "name"]
                .iter()
                .find_map(|k| t.get(k).and_then(|v| v.as_str()).map(str::to_string));
            let hit = *want == "*"
                || key
                    .as_deref()
                    .is_some_and(|k| k == *want || slug(k) == slug(want));
            if hit {
                if below.is_empty() {
                    return false;
                }
                let mut as_item = Item::Table(t.clone());
                if !set(&mut as_item, below, value) {
                    return false;
                }
                if let Item::Table(new) = as_item {
                    *t = new;
                }
                placed = true;
                if *want != "*" {
                    break;
                }
            }
        }
        return placed;
    }
    set(child, rest, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[scenario]\nname = \"x\" # kept\n# why five percent\nmateriality_share = 0.05\n\n\
        [economy]\ninflation = { dist = \"normal\", mean = 0.02, sd = 0.01 }\n\n\
        [[service]]\nid = \"parking\"\n\n[[service.funding]]\nkind = \"grant\"\nname = \"National money\"\nto = 2022 # the plan\n";

    #[test]
    fn overrides_are_written_where_they_belong() {
        let out = apply(
            TEXT,
            &[
                "service.parking.funding.national-money.to=2021".into(),
                "scenario.materiality_share=0.1".into(),
                "economy.inflation.mean=0.03".into(),
            ],
        )
        .unwrap();
        assert!(out.contains("to = 2021 # the plan"), "{out}");
        assert!(
            out.contains("# why five percent\nmateriality_share = 0.1\n"),
            "{out}"
        );
        assert!(out.contains("mean = 0.03"), "{out}");
        assert!(out.contains("name = \"x\" # kept"));
    }

    #[test]
    fn an_override_that_cannot_be_placed_gives_none() {
        assert!(apply(TEXT, &["service.nothing.funding.x.to=1".into()]).is_none());
        assert!(apply(TEXT, &["service.parking=1".into()]).is_none());
        assert!(apply(TEXT, &["scenario.name=not toml".into()]).is_none());
    }
}
