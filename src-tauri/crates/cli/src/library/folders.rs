//! `wixdrop folders …`: list, create (a whole path), rename, trash/delete and restore Media
//! Manager folders. `FOLDER` is a folder ID or a path like `/events/2024`.

use clap::{Args, Subcommand};
use serde_json::json;
use wixdrop_core::library::api::{all_folders, bulk_folders, update_folder, BulkAction, Site};
use wixdrop_core::library::{paths, LibraryError, TRASH_ROOT};
use wixdrop_core::wix::media::Folder;

use super::files::FolderArgs;
use super::{batch_exit, confirm_permanent, connect, run, SiteArgs};
use crate::exit::{CliError, Exit};
use crate::{output, Ctx};

#[derive(Subcommand)]
pub enum FoldersCmd {
    /// The folders directly inside a folder (default: the top level)
    ///
    /// --json: {"parent_id", "folders": [{"id", "displayName", "parentFolderId"}]}
    Ls(FoldersLsArgs),
    /// Create a folder path, e.g. /events/2024 (missing levels are created)
    ///
    /// --json: {"id", "path"}
    Mk(MkArgs),
    /// Rename a folder (--json: the folder)
    Rename(FolderRenameArgs),
    /// Move folders (and what is in them) to the trash; --permanent --yes deletes for good
    ///
    /// --json: {"results": [{"folder", "ok", "error"}], "permanent"}
    Rm(FolderRmArgs),
    /// Bring trashed folders (and what is in them) back where they were
    ///
    /// FOLDER is a folder ID (see `wixdrop folders ls --trash`) or the name of a folder in the
    /// trash. --json: {"results": [{"folder", "ok", "error"}], "permanent": false}
    Restore(FolderRestoreArgs),
}

#[derive(Args)]
pub struct FolderRestoreArgs {
    /// Folder IDs, or names of folders in the trash
    #[arg(required = true)]
    pub folders: Vec<String>,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct FoldersLsArgs {
    #[command(flatten)]
    pub where_: FolderArgs,
    /// The folders in the trash
    #[arg(long, conflicts_with_all = ["folder", "path"])]
    pub trash: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct MkArgs {
    /// The path to create, e.g. /events/2024
    pub path: String,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct FolderRenameArgs {
    /// A folder ID or /path
    pub folder: String,
    /// Its new name
    pub name: String,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct FolderRmArgs {
    /// Folder IDs or /paths
    #[arg(required = true)]
    pub folders: Vec<String>,
    #[arg(long)]
    pub permanent: bool,
    #[arg(long, requires = "permanent")]
    pub yes: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

pub fn run_cmd(ctx: &Ctx, cmd: FoldersCmd) -> Exit {
    folders(ctx, cmd).unwrap_or_else(Exit::from)
}

/// A folder given as an ID or a `/path`.
async fn folder_ref(site: &Site<'_>, raw: &str) -> Result<String, LibraryError> {
    if raw.starts_with('/') {
        paths::resolve(site, raw).await
    } else {
        Ok(raw.trim().to_owned())
    }
}

fn folders(ctx: &Ctx, cmd: FoldersCmd) -> Result<Exit, CliError> {
    match cmd {
        FoldersCmd::Ls(a) => {
            let c = connect(ctx, &a.site)?;
            let site = c.site();
            let (parent, list) = run(async {
                let parent = if a.trash {
                    TRASH_ROOT.to_owned()
                } else {
                    super::files::folder_id(&site, &a.where_).await?
                };
                let list = all_folders(&site, &parent).await?;
                Ok((parent, list))
            })?;
            if ctx.json {
                output::json(&json!({ "parent_id": parent, "folders": list }));
            } else if list.is_empty() {
                println!("No folders here.");
            } else {
                let mut t = output::Table::new(&["NAME", "ID"]);
                for f in &list {
                    t.row(vec![f.display_name.clone(), f.id.clone()], None);
                }
                print!("{}", t.render(""));
            }
            Ok(Exit::Success)
        }
        FoldersCmd::Mk(a) => {
            if paths::parts(&a.path).is_empty() {
                return Err(CliError::usage(
                    "invalid_input",
                    "Give the folder path to create, e.g. /events/2024.",
                ));
            }
            let c = connect(ctx, &a.site)?;
            let id = run(paths::ensure(&c.site(), &a.path))?;
            if ctx.json {
                output::json(&json!({ "id": id, "path": a.path }));
            } else {
                println!("{}  {id}", a.path);
            }
            Ok(Exit::Success)
        }
        FoldersCmd::Rename(a) => {
            let c = connect(ctx, &a.site)?;
            let site = c.site();
            let f = run(async {
                let id = folder_ref(&site, &a.folder).await?;
                update_folder(&site, &id, Some(&a.name), None).await
            })?;
            if ctx.json {
                output::json(&f);
            } else {
                println!("renamed   {}  {}", f.display_name, f.id);
            }
            Ok(Exit::Success)
        }
        FoldersCmd::Rm(a) => {
            if a.permanent
                && !confirm_permanent("folder(s) and every file in them", a.folders.len(), a.yes)?
            {
                return Err(CliError::failed("declined", "Nothing was deleted."));
            }
            let action = if a.permanent {
                BulkAction::DeleteForGood
            } else {
                BulkAction::Trash
            };
            bulk(ctx, &a.site, &a.folders, action)
        }
        FoldersCmd::Restore(a) => bulk(ctx, &a.site, &a.folders, BulkAction::Restore),
    }
}

/// A folder in the trash given by its ID or its name (`trashed`: the trash's folders).
fn trashed_ref(trashed: &[Folder], raw: &str) -> Result<String, LibraryError> {
    let raw = raw.trim();
    let named: Vec<_> = trashed.iter().filter(|f| f.display_name == raw).collect();
    match named.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Ok(raw.to_owned()), // an ID (Wix says if it is not in the trash)
        _ => Err(LibraryError::BadInput(format!(
            "{} folders named \"{raw}\" are in the trash; give the ID of the one to restore (wixdrop folders ls --trash).",
            named.len()
        ))),
    }
}

/// Trash, delete or restore folders one by one, so one bad folder does not stop the rest.
fn bulk(
    ctx: &Ctx,
    where_: &SiteArgs,
    raws: &[String],
    action: BulkAction,
) -> Result<Exit, CliError> {
    let c = connect(ctx, where_)?;
    let site = c.site();
    let results = run(async {
        // Names to restore are looked up in the trash, listed once for all of them.
        let trashed = match action {
            BulkAction::Restore => all_folders(&site, TRASH_ROOT).await?,
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for raw in raws {
            let id = match action {
                BulkAction::Restore => trashed_ref(&trashed, raw),
                _ => folder_ref(&site, raw).await,
            };
            let r = match id {
                Ok(id) => bulk_folders(&site, &[id], action).await,
                Err(e) => Err(e),
            };
            match r {
                Err(e @ LibraryError::Permission { .. }) => return Err(e),
                r => out.push((raw.clone(), r)),
            }
        }
        Ok(out)
    })?;
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    if ctx.json {
        let list: Vec<_> = results
            .iter()
            .map(|(f, r)| match r {
                Ok(()) => json!({"folder": f, "ok": true, "error": null}),
                Err(e) => json!({"folder": f, "ok": false, "error": e.to_string(), "error_kind": e.kind()}),
            })
            .collect();
        output::json(&json!({
            "results": list,
            "permanent": action == BulkAction::DeleteForGood
        }));
    } else {
        for (f, r) in &results {
            match (r, action) {
                (Ok(()), BulkAction::DeleteForGood) => println!("deleted   {f}"),
                (Ok(()), BulkAction::Restore) => println!("restored  {f}"),
                (Ok(()), _) => println!("trashed   {f}"),
                (Err(e), _) => eprintln!("failed    {f}: {e}"),
            }
        }
    }
    Ok(batch_exit(failed))
}
