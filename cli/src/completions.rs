//! `completions SHELL` and `man [--dir DIR]`: shell completions and man pages, generated from
//! the command line's own definition (clap_complete, clap_mangen).

use std::path::PathBuf;

use clap::Args;

use crate::output::{Failure, Output};

/// `completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man [--dir DIR]`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into DIR (vonage-account.1, vonage-account-secrets-rotate.1,
    /// ...) instead of printing the main page
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the completion script for `command` on stdout. Rendered into memory first: clap_complete
/// panics when its writer fails, and a closed stdout (`| head`) is no reason to panic.
pub fn completions(
    args: &CompletionsArgs,
    mut command: clap::Command,
    out: Output,
) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "vonage-account", &mut script);
    out.line(String::from_utf8_lossy(&script).trim_end());
    Ok(())
}

/// Prints the main man page, or writes every command's page into `--dir`.
pub fn man(args: &ManArgs, command: clap::Command, out: Output) -> Result<(), Failure> {
    match &args.dir {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|e| Failure::Io(format!("cannot write the man page: {e}")))?;
            out.line(String::from_utf8_lossy(&page).trim_end());
            Ok(())
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure::Io(format!("cannot create {}: {e}", dir.display())))?;
            clap_mangen::generate_to(command, dir).map_err(|e| {
                Failure::Io(format!(
                    "cannot write the man pages to {}: {e}",
                    dir.display()
                ))
            })?;
            if !out.json {
                eprintln!("man pages written to {}", dir.display());
            }
            Ok(())
        }
    }
}
