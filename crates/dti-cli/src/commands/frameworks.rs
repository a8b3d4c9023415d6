//! `dti frameworks list | show | validate`.

use crate::prelude::*;

pub fn frameworks(action: FrameworksCommand, ascii: bool) -> Result<(), Fail> {
    let sink = Sink { out: None, ascii };
    match action {
        FrameworksCommand::List => {
            let mut t = Table::new(
                &["id", "name", "source", "status"],
                &[false, false, false, false],
            );
            for id in dti_core::builtin_ids() {
                let def = FrameworkDef::builtin(id).map_err(|e| e.to_string())?;
                let status = match Framework::new(def.clone()) {
                    // Points fitted to published results rather than taken from a regulation
                    // (the version says so: `2024-inferred`).
                    Ok(_) if def.version.ends_with("inferred") => {
                        "ready; points inferred from the published results".to_owned()
                    }
                    Ok(_) => "ready".to_owned(),
                    Err(_) => "provisional: unpublished parameters must be supplied".to_owned(),
                };
                t.push(row![
                    id.to_owned(),
                    def.name_en.clone(),
                    def.source.clone(),
                    status,
                ]);
            }
            sink.write(&t.render())
        }
        FrameworksCommand::Show {
            framework,
            extension,
        } => {
            let args = FrameworkArgs {
                framework: Some(framework.clone()),
                extension,
                supplement: None,
            };
            let def = match load_framework(&args, &framework) {
                Ok(fw) => fw.into_def(),
                // A provisional built-in still shows, with its gaps.
                Err(e) => FrameworkDef::builtin(&framework).map_err(|_| e)?,
            };
            sink.write(&tree(&def))
        }
        FrameworksCommand::Validate { file } => {
            let text = read_file(&file)?;
            let result = if file.extension().is_some_and(|e| e == "toml") {
                Framework::from_toml(&text)
            } else {
                Framework::from_json(&text)
            };
            match result {
                Ok(fw) => sink.write(&format!(
                    "{}: valid framework '{}' ({} nodes, {} leaves{})\n",
                    file.display(),
                    fw.id(),
                    fw.def().nodes.len(),
                    fw.leaves().count(),
                    fw.max_points()
                        .map(|m| format!(", {m} points"))
                        .unwrap_or_default()
                )),
                Err(e) => Err(format!("{}: {e}", file.display())),
            }
        }
    }
}

/// A framework as an indented tree with points and rules; each line's text from the file is
/// shown with its control and bidirectional characters escaped (one line a node).
pub fn tree(def: &FrameworkDef) -> String {
    use dti_core::text::Shown;
    let mut out = format!(
        "{} — {}\n{}\nsource: {}\n",
        Shown(&def.id),
        Shown(&def.name_vi),
        Shown(&def.name_en),
        Shown(&def.source)
    );
    if let Some(s) = def.scale {
        out.push_str(&format!("scale: {s} points\n"));
    }
    fn walk(def: &FrameworkDef, parent: Option<&str>, depth: usize, out: &mut String) {
        use dti_core::text::Shown;
        for n in def.nodes.iter().filter(|n| n.parent.as_deref() == parent) {
            let pts = n.max_points.map(|m| format!("{m} pts")).unwrap_or_else(|| {
                if n.unpublished.contains(&dti_core::model::Param::MaxPoints) {
                    "points unpublished".to_owned()
                } else {
                    n.weight.map(|w| format!("weight {w}")).unwrap_or_default()
                }
            });
            let rule = n
                .rule
                .as_ref()
                .map(|r| format!(" [{}]", r.name()))
                .unwrap_or_default();
            out.push_str(&format!(
                "{}{} {} — {}{rule} ({pts})\n",
                "  ".repeat(depth),
                Shown(&n.code),
                Shown(&n.name_vi),
                Shown(&n.name_en)
            ));
            walk(def, Some(&n.code), depth + 1, out);
        }
    }
    walk(def, None, 1, &mut out);
    for v in &def.views {
        out.push_str(&format!(
            "view {} {} = {}\n",
            Shown(&v.code),
            Shown(&v.name_vi),
            Shown(&v.nodes.join(" + "))
        ));
    }
    for n in &def.notes {
        out.push_str(&format!("note: {}\n", Shown(n)));
    }
    out
}
