//! `wixdrop files …`: list, search, show, rename, move, label, trash/restore/delete, links and
//! copies of the files of a site's Media Manager. `FILE` is a file ID, a `wix:` URI or the
//! file's static URL.

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use wixdrop_core::library::api::{
    all_pages, bulk_files, download_link, get_file, list_files, list_trash, search_files,
    update_file, BulkAction, FileChange, ListFilter, SortBy,
};
use wixdrop_core::library::copy::{enqueue_copies, CopyTarget};
use wixdrop_core::library::jobs::run_jobs;
use wixdrop_core::library::paths;
use wixdrop_core::library::LibraryFile;
use wixdrop_core::wix::media::MEDIA_ROOT;

use super::{
    batch_exit, cli_error, confirm_permanent, connect, connect_to, file_json, files_table, run,
    SiteArgs,
};
use crate::exit::{CliError, Exit};
use crate::{output, Ctx};

/// Most files a listing prints (all pages up to this).
const MAX_LIST: usize = 100_000;

#[derive(Subcommand)]
pub enum FilesCmd {
    /// The files of a folder (all pages), newest first
    ///
    /// --json: {"folder_id", "files": [FILE…]}; a FILE is {"id", "display_name", "url",
    /// "wix_uri", "media_type", "size", "folder_id", "private", "status", "width", "height",
    /// "labels", "created", "updated", "thumbnail_url", "source_url"}
    Ls(LsArgs),
    /// Search names, labels and types in the whole site (or its trash)
    ///
    /// --json: {"files": [FILE…]}
    Search(SearchArgs),
    /// One file's details (--json: FILE)
    Info(OneArgs),
    /// Give a file a new name (--json: FILE)
    Rename(RenameArgs),
    /// Move files to another folder (--json: {"results": [{"id", "ok", "error"}]})
    Mv(MvArgs),
    /// Set, add or remove a file's labels (--json: FILE)
    Label(LabelArgs),
    /// Move files to the trash (restore brings them back); --permanent --yes deletes for good
    ///
    /// --json: {"results": [{"id", "ok", "error", "error_kind"}], "permanent"}
    Rm(RmArgs),
    /// Bring files back from the trash into the folders they were in
    Restore(ManyArgs),
    /// A temporary download link (the only way to share a private file)
    ///
    /// --json: {"id", "url", "expires_in_minutes"}
    Link(LinkArgs),
    /// Copy files to another site (public ones by URL, private ones through a temporary link;
    /// Wix fetches them, so nothing is downloaded here). The folder path is kept unless --path
    ///
    /// --json: {"results": [{"source", "ok", "file": FILE | null, "error"}]}
    Copy(CopyArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SortArg {
    Name,
    Date,
    Size,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TypeArg {
    Image,
    Video,
    Audio,
    Document,
    Vector,
    Archive,
    Model3d,
}

impl TypeArg {
    fn wix(self) -> &'static str {
        match self {
            TypeArg::Image => "IMAGE",
            TypeArg::Video => "VIDEO",
            TypeArg::Audio => "AUDIO",
            TypeArg::Document => "DOCUMENT",
            TypeArg::Vector => "VECTOR",
            TypeArg::Archive => "ARCHIVE",
            TypeArg::Model3d => "MODEL3D",
        }
    }
}

/// Filters shared by ls and search.
#[derive(Args, Clone)]
pub struct FilterArgs {
    /// Only this media type (repeatable)
    #[arg(long = "type", value_enum, value_name = "T")]
    pub types: Vec<TypeArg>,
    /// Only private files
    #[arg(long, conflicts_with = "public")]
    pub private: bool,
    /// Only public files
    #[arg(long)]
    pub public: bool,
    /// Order by name (A→Z), date (newest first) or size (largest first)
    #[arg(long, value_enum, default_value = "date")]
    pub sort: SortArg,
}

impl FilterArgs {
    fn filter(&self) -> ListFilter {
        ListFilter {
            media_types: self.types.iter().map(|t| t.wix().to_owned()).collect(),
            private: match (self.private, self.public) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            sort: match self.sort {
                SortArg::Name => SortBy::Name,
                SortArg::Date => SortBy::Date,
                SortArg::Size => SortBy::Size,
            },
            ascending: None,
        }
    }
}

/// A folder by ID or by path.
#[derive(Args, Clone, Default)]
pub struct FolderArgs {
    /// A folder by ID (media-root: the top level)
    #[arg(long, value_name = "ID", conflicts_with = "path")]
    pub folder: Option<String>,
    /// A folder by path below the top level, e.g. /events/2024
    #[arg(long, value_name = "/A/B")]
    pub path: Option<String>,
}

impl FolderArgs {
    fn given(&self) -> bool {
        self.folder.is_some() || self.path.is_some()
    }
}

#[derive(Args)]
pub struct LsArgs {
    #[command(flatten)]
    pub where_: FolderArgs,
    /// The trash instead of a folder
    #[arg(long, conflicts_with_all = ["folder", "path"])]
    pub trash: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// At most this many files
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct SearchArgs {
    /// Text to find in names, labels and types
    pub text: String,
    /// Search the trash
    #[arg(long)]
    pub trash: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct OneArgs {
    /// A file ID, wix: URI or static URL
    pub file: String,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct ManyArgs {
    /// File IDs, wix: URIs or static URLs
    #[arg(required = true)]
    pub files: Vec<String>,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct RenameArgs {
    pub file: String,
    /// The new name (keep the extension)
    pub name: String,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct MvArgs {
    #[arg(required = true)]
    pub files: Vec<String>,
    #[command(flatten)]
    pub to: FolderArgs,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct LabelArgs {
    pub file: String,
    /// Replace all labels with these (comma-separated; empty to clear)
    #[arg(long, value_name = "L,…", conflicts_with_all = ["add", "remove"])]
    pub set: Option<String>,
    /// Add a label (repeatable)
    #[arg(long, value_name = "L")]
    pub add: Vec<String>,
    /// Remove a label (repeatable)
    #[arg(long, value_name = "L")]
    pub remove: Vec<String>,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct RmArgs {
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Delete for good instead of moving to the trash (asks first; --yes in scripts)
    #[arg(long)]
    pub permanent: bool,
    /// Do not ask before --permanent
    #[arg(long, requires = "permanent")]
    pub yes: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct LinkArgs {
    pub file: String,
    /// How long the link works, in minutes (1–525600; default 600)
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..=525_600))]
    pub minutes: u32,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Args)]
pub struct CopyArgs {
    #[arg(required = true)]
    pub files: Vec<String>,
    /// The site to copy to (ID or dashboard URL)
    #[arg(long, value_name = "SITE")]
    pub to_site: String,
    /// The profile whose key reaches the target site (default: the same as the source)
    #[arg(long, value_name = "NAME")]
    pub to_profile: Option<String>,
    /// Put the copies in this folder path on the target (default: the same path as each file)
    #[arg(long, value_name = "/A/B")]
    pub path: Option<String>,
    #[command(flatten)]
    pub site: SiteArgs,
}

pub fn run_cmd(ctx: &Ctx, cmd: FilesCmd) -> Exit {
    files(ctx, cmd).unwrap_or_else(Exit::from)
}

fn print_file(ctx: &Ctx, f: &LibraryFile) {
    if ctx.json {
        output::json(&file_json(f));
    } else {
        println!("{}", f.display_name);
        let row = |k: &str, v: String| println!("  {k:<10} {v}");
        row("id", f.id.clone());
        row("type", f.media_type.to_lowercase());
        row("size", super::human_size(f.size));
        row("status", f.status.to_lowercase());
        row(
            "private",
            if f.private { "yes".into() } else { "no".into() },
        );
        row("folder", f.folder_id.clone());
        if let (Some(w), Some(h)) = (f.width, f.height) {
            row("pixels", format!("{w} × {h}"));
        }
        if !f.labels.is_empty() {
            row("labels", f.labels.join(", "));
        }
        if let Some(u) = &f.url {
            row("url", u.clone());
        }
        if let Some(u) = &f.wix_uri {
            row("wix uri", u.clone());
        }
        if let Some(u) = &f.updated {
            row("updated", u.clone());
        }
        if f.private {
            println!("  (private: the URL answers 403; share it with `wixdrop files link`)");
        }
    }
}

fn files(ctx: &Ctx, cmd: FilesCmd) -> Result<Exit, CliError> {
    match cmd {
        FilesCmd::Ls(a) => {
            let c = connect(ctx, &a.site)?;
            let site = c.site();
            let filter = a.filter.filter();
            let max = a.limit.unwrap_or(MAX_LIST);
            let (folder, list) = run(async {
                let folder = folder_id(&site, &a.where_).await?;
                let list = if a.trash {
                    all_pages(max, |cur| {
                        let (site, filter) = (&site, &filter);
                        async move { list_trash(site, filter, cur.as_deref(), 100).await }
                    })
                    .await?
                } else {
                    all_pages(max, |cur| {
                        let (site, filter, folder) = (&site, &filter, &folder);
                        async move { list_files(site, folder, filter, cur.as_deref(), 100).await }
                    })
                    .await?
                };
                Ok((folder, list))
            })?;
            let folder = if a.trash { "trash-root".into() } else { folder };
            if ctx.json {
                output::json(
                    &json!({ "folder_id": folder, "files": list.iter().map(file_json).collect::<Vec<_>>() }),
                );
            } else if list.is_empty() {
                println!("No files here.");
            } else {
                print!("{}", files_table(&list));
                println!(
                    "{} file{}",
                    list.len(),
                    if list.len() == 1 { "" } else { "s" }
                );
            }
            Ok(Exit::Success)
        }
        FilesCmd::Search(a) => {
            let c = connect(ctx, &a.site)?;
            let site = c.site();
            let filter = a.filter.filter();
            let max = a.limit.unwrap_or(1000);
            let list = run(all_pages(max, |cur| {
                let (site, filter, text) = (&site, &filter, &a.text);
                async move { search_files(site, text, a.trash, filter, cur.as_deref(), 100).await }
            }))?;
            if ctx.json {
                output::json(&json!({ "files": list.iter().map(file_json).collect::<Vec<_>>() }));
            } else if list.is_empty() {
                println!("Nothing matches \"{}\".", a.text);
            } else {
                print!("{}", files_table(&list));
            }
            Ok(Exit::Success)
        }
        FilesCmd::Info(a) => {
            let c = connect(ctx, &a.site)?;
            let f = run(get_file(&c.site(), &a.file))?;
            print_file(ctx, &f);
            Ok(Exit::Success)
        }
        FilesCmd::Rename(a) => {
            let c = connect(ctx, &a.site)?;
            let change = FileChange {
                display_name: Some(a.name.clone()),
                ..Default::default()
            };
            let f = run(update_file(&c.site(), &a.file, &change))?;
            print_file(ctx, &f);
            Ok(Exit::Success)
        }
        FilesCmd::Label(a) => {
            let c = connect(ctx, &a.site)?;
            let site = c.site();
            let f = run(async {
                let labels = match &a.set {
                    Some(s) => s
                        .split(',')
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    None => {
                        let mut l = get_file(&site, &a.file).await?.labels;
                        l.retain(|x| !a.remove.contains(x));
                        for add in &a.add {
                            if !l.contains(add) {
                                l.push(add.clone());
                            }
                        }
                        l
                    }
                };
                let change = FileChange {
                    labels: Some(labels),
                    ..Default::default()
                };
                update_file(&site, &a.file, &change).await
            })?;
            print_file(ctx, &f);
            Ok(Exit::Success)
        }
        FilesCmd::Mv(a) => {
            if !a.to.given() {
                return Err(CliError::usage(
                    "no_folder",
                    "Where to? Give --folder ID or --path /A/B.",
                ));
            }
            let c = connect(ctx, &a.site)?;
            let site = c.site();
            let results = run(async {
                let to = folder_id(&site, &a.to).await?;
                let mut out = Vec::new();
                for f in &a.files {
                    let change = FileChange {
                        folder_id: Some(to.clone()),
                        ..Default::default()
                    };
                    match update_file(&site, f, &change).await {
                        Ok(file) => out.push((f.clone(), Ok(file))),
                        Err(e @ wixdrop_core::library::LibraryError::Permission { .. }) => {
                            return Err(e)
                        }
                        Err(e) => out.push((f.clone(), Err(e))),
                    }
                }
                Ok(out)
            })?;
            let failed = results.iter().filter(|(_, r)| r.is_err()).count();
            if ctx.json {
                let list: Vec<_> = results
                    .iter()
                    .map(|(id, r)| match r {
                        Ok(f) => json!({"id": f.id, "ok": true, "file": file_json(f)}),
                        Err(e) => json!({"id": id, "ok": false, "error": e.to_string(), "error_kind": e.kind()}),
                    })
                    .collect();
                output::json(&json!({ "results": list }));
            } else {
                for (id, r) in &results {
                    match r {
                        Ok(f) => println!("moved     {}", f.display_name),
                        Err(e) => eprintln!("not moved {id}: {e}"),
                    }
                }
            }
            Ok(batch_exit(failed))
        }
        FilesCmd::Rm(a) => {
            if a.permanent && !confirm_permanent("file(s)", a.files.len(), a.yes)? {
                return Err(CliError::failed("declined", "Nothing was deleted."));
            }
            let c = connect(ctx, &a.site)?;
            let action = if a.permanent {
                BulkAction::DeleteForGood
            } else {
                BulkAction::Trash
            };
            let results = run(bulk_files(&c.site(), &a.files, action))?;
            report_bulk(
                ctx,
                &results,
                if a.permanent { "deleted" } else { "trashed" },
                Some(a.permanent),
            )
        }
        FilesCmd::Restore(a) => {
            let c = connect(ctx, &a.site)?;
            let results = run(bulk_files(&c.site(), &a.files, BulkAction::Restore))?;
            report_bulk(ctx, &results, "restored", None)
        }
        FilesCmd::Link(a) => {
            let c = connect(ctx, &a.site)?;
            let url = run(download_link(&c.site(), &a.file, a.minutes))?;
            if ctx.json {
                output::json(&json!({ "id": a.file, "url": url, "expires_in_minutes": a.minutes }));
            } else {
                println!("{url}");
                eprintln!(
                    "(works for {} minutes; anyone with the link can download the file)",
                    a.minutes
                );
            }
            Ok(Exit::Success)
        }
        FilesCmd::Copy(a) => copy(ctx, a),
    }
}

/// The folder `FolderArgs` names (the top level when neither is given).
pub async fn folder_id(
    site: &wixdrop_core::library::Site<'_>,
    w: &FolderArgs,
) -> Result<String, wixdrop_core::library::LibraryError> {
    match (&w.folder, &w.path) {
        (Some(id), _) if !id.trim().is_empty() => Ok(id.trim().to_owned()),
        (_, Some(p)) => paths::resolve(site, p).await,
        _ => Ok(MEDIA_ROOT.to_owned()),
    }
}

fn report_bulk(
    ctx: &Ctx,
    results: &[wixdrop_core::library::api::ItemResult],
    verb: &str,
    permanent: Option<bool>,
) -> Result<Exit, CliError> {
    let failed = results.iter().filter(|r| !r.ok).count();
    if ctx.json {
        let mut v = json!({ "results": results });
        if let Some(p) = permanent {
            v["permanent"] = json!(p);
        }
        output::json(&v);
    } else {
        for r in results {
            match &r.error {
                None => println!("{verb:<9} {}", r.id),
                Some(e) => eprintln!("failed    {}: {e}", r.id),
            }
        }
        if verb == "trashed" && failed < results.len() {
            println!("In the trash they still show on the live site; `wixdrop files restore` brings them back.");
        }
    }
    Ok(batch_exit(failed))
}

fn copy(ctx: &Ctx, a: CopyArgs) -> Result<Exit, CliError> {
    let src = connect(ctx, &a.site)?;
    let dst = connect_to(
        ctx,
        a.to_profile.as_deref().or(a.site.profile.as_deref()),
        Some(&a.to_site),
    )?;
    let paths = crate::upload::session::paths()?;
    let journal = crate::upload::session::open_journal(&paths)?;
    let target = CopyTarget {
        profile: &dst.profile,
        site_id: &dst.site_id,
        path: a.path.as_deref(),
    };
    let (prepared, jobs) = run(async {
        let prepared = enqueue_copies(&journal, &src.site(), &a.files, &target).await?;
        let ids: Vec<i64> = prepared
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        let jobs = run_jobs(&journal, &dst.site(), &ids, &|_| {}).await?;
        Ok((prepared, jobs))
    })?;
    let mut results = Vec::new();
    let mut failed = 0;
    for (source, r) in a.files.iter().zip(prepared) {
        match r {
            Err(e) => {
                failed += 1;
                results.push(
                    json!({"source": source, "ok": false, "file": null, "error": e.to_string()}),
                );
            }
            Ok(id) => {
                let job = jobs.iter().find(|j| j.id == id);
                let ok =
                    job.is_some_and(|j| j.stage == wixdrop_core::library::jobs::ImportStage::Done);
                if !ok {
                    failed += 1;
                }
                let file = match job.and_then(|j| j.wix_file_id.clone()) {
                    Some(fid) if ok => run(get_file(&dst.site(), &fid)).ok().map(|f| file_json(&f)),
                    _ => None,
                };
                let error = job.and_then(|j| j.error.clone()).or_else(|| {
                    (!ok).then(|| {
                        "Still processing on Wix; `wixdrop import --resume` checks again."
                            .to_string()
                    })
                });
                results.push(json!({"source": source, "ok": ok, "file": file, "error": error}));
            }
        }
    }
    if ctx.json {
        output::json(&json!({ "results": results }));
    } else {
        for r in &results {
            if r["ok"] == true {
                println!(
                    "copied    {} → {}",
                    r["source"].as_str().unwrap_or(""),
                    r["file"]["id"].as_str().unwrap_or("")
                );
            } else {
                eprintln!(
                    "not copied {}: {}",
                    r["source"].as_str().unwrap_or(""),
                    r["error"].as_str().unwrap_or("")
                );
            }
        }
    }
    let _ = cli_error;
    Ok(batch_exit(failed))
}
