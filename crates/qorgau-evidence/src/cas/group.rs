//! Group commit: many concurrent writes made durable by one sync.
//!
//! Each `put` writes its temporary file without syncing it and joins the
//! queue. One of the waiting writers leads a *cycle*: it takes the whole
//! queue (a group) and runs one sync that makes durable both the bytes of
//! that group's files and the names of the files the previous cycle renamed
//! into place. Then it answers the previous cycle's writers (their files are
//! now fully on disk) and renames this group's files into place, to be
//! answered after the next cycle's sync. Writers that arrive during a sync
//! queue for the next cycle, so under load one sync serves as many writes as
//! arrived during the previous one, and every sync does double duty; a lone
//! write takes two cycles (bytes, then name), as a plain fsync-rename-fsync
//! would.
//!
//! The order keeps the usual promise: a file gets its final name only once
//! its bytes are durable, and its writer an answer only once the name is.
//! Until then the digest stays "in flight", so a second `put` of the same
//! bytes waits instead of trusting a name that may not survive a crash.
//!
//! On Linux the sync is `syncfs(2)` on the store's file system when a cycle
//! has more than one file or name to make durable. The store's folder stays
//! open for the store's life, so `syncfs` reports every write-back error on
//! that file system since the store was opened (Linux ≥ 5.8), and a failed
//! sync fails the whole cycle. Otherwise the leader fsyncs each file, then
//! each distinct folder that changed.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError, Weak};

use crate::Sha256Digest;

/// A written, not yet durable temporary file waiting for its group.
#[derive(Debug)]
pub(super) struct Staged {
    slot: Arc<Slot>,
    pub(super) temporary: PathBuf,
    pub(super) target: PathBuf,
    pub(super) digest: Sha256Digest,
}

#[derive(Debug, Default)]
pub(super) struct State {
    /// Files waiting for the next group.
    pub(super) queue: Vec<Staged>,
    /// A leader is syncing a group now.
    pub(super) leading: bool,
    /// Digests queued or being synced: a second writer of the same bytes
    /// waits for the first one's group instead of trusting a file that may
    /// not be on disk yet.
    pub(super) in_flight: HashSet<Sha256Digest>,
    /// Files renamed into place by the last cycle whose names the next
    /// cycle's sync makes durable; their writers are still waiting.
    pub(super) unsynced: Vec<Staged>,
    /// Folders made for `unsynced` (their parents' entries need the same sync).
    created: Vec<PathBuf>,
    /// Sync cycles run so far (for tests and diagnostics).
    pub(super) groups: u64,
}

/// Where one writer waits for its answer: woken alone (not with every
/// other writer) when its group is done or when it is its turn to lead.
#[derive(Debug, Default)]
struct Slot {
    answer: Mutex<Answer>,
    ready: Condvar,
}

#[derive(Debug, Default)]
enum Answer {
    #[default]
    Waiting,
    /// Lead the next group (this writer's file is in it).
    Lead,
    Done(Result<(), GroupError>),
}

impl Slot {
    fn tell(&self, answer: Answer) {
        *self.answer.lock().unwrap_or_else(PoisonError::into_inner) = answer;
        self.ready.notify_one();
    }

    /// Blocks until told; `None` means "lead".
    fn wait(&self) -> Option<Result<(), GroupError>> {
        let mut answer = self.answer.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            match std::mem::take(&mut *answer) {
                Answer::Waiting => {
                    answer = self
                        .ready
                        .wait(answer)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                Answer::Lead => return None,
                Answer::Done(outcome) => return Some(outcome),
            }
        }
    }
}

/// Why one write of a group failed, with the path it failed on.
#[derive(Debug)]
pub(super) struct GroupError {
    pub(super) path: PathBuf,
    pub(super) source: io::Error,
}

/// The group-commit queue of one store.
#[derive(Debug)]
pub(super) struct GroupCommit {
    pub(super) state: Mutex<State>,
    pub(super) turn: Condvar,
    /// The store's root folder, open for the store's life (see the module
    /// documentation).
    filesystem: fs::File,
    root: PathBuf,
}

impl GroupCommit {
    /// The queue of the store in `root`, shared by every `FsBlobStore`
    /// opened on the same folder in this process: their writes then group
    /// together, and the same bytes written through two of them wait for
    /// each other like writes through one.
    pub(super) fn for_root(root: &Path) -> io::Result<Arc<GroupCommit>> {
        static QUEUES: OnceLock<Mutex<HashMap<PathBuf, Weak<GroupCommit>>>> = OnceLock::new();
        let root = fs::canonicalize(root)?;
        let mut queues = QUEUES
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        queues.retain(|_, queue| queue.strong_count() > 0);
        if let Some(queue) = queues.get(&root).and_then(Weak::upgrade) {
            return Ok(queue);
        }
        let queue = Arc::new(GroupCommit::new(&root)?);
        queues.insert(root, Arc::downgrade(&queue));
        Ok(queue)
    }

    fn new(root: &Path) -> io::Result<GroupCommit> {
        Ok(GroupCommit {
            state: Mutex::new(State::default()),
            turn: Condvar::new(),
            filesystem: fs::File::open(root)?,
            root: root.to_path_buf(),
        })
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave `State` half-updated in a way that
        // loses a write: every change to it is a single push/insert/remove.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.turn
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits while a group holding `digest` is in flight. `true` if none
    /// was: a file of `digest` that verified before this call was then put
    /// there by a finished group (or was there before), so it is durable.
    /// `false`: the caller must look at the file again.
    pub(super) fn settled(&self, digest: &Sha256Digest) -> bool {
        let mut state = self.lock();
        let mut waited = false;
        while state.in_flight.contains(digest) {
            waited = true;
            state = self.wait(state);
        }
        !waited
    }

    /// Makes the temporary file durable under `target` with the next group
    /// and returns once it is (or once it failed). The temporary file is
    /// gone either way.
    pub(super) fn commit(
        &self,
        temporary: PathBuf,
        target: PathBuf,
        digest: Sha256Digest,
    ) -> Result<(), GroupError> {
        let mut state = self.lock();
        // One write of the same bytes at a time: the second one's dedup
        // check then sees the first one's durable file.
        while state.in_flight.contains(&digest) {
            state = self.wait(state);
        }
        state.in_flight.insert(digest);
        let slot = Arc::new(Slot::default());
        state.queue.push(Staged {
            slot: Arc::clone(&slot),
            temporary,
            target,
            digest,
        });
        let mut lead = !state.leading;
        state.leading = true;
        drop(state);
        loop {
            if lead {
                self.cycle();
            }
            match slot.wait() {
                Some(outcome) => return outcome,
                None => lead = true,
            }
        }
    }

    /// Ends a leader's turn: the first writer queued meanwhile (or else the
    /// first one whose name still needs a sync) leads the next cycle, or
    /// nobody leads until the next writer arrives.
    pub(super) fn hand_over(&self, state: &mut State) {
        match state.queue.first().or(state.unsynced.first()) {
            Some(next) => {
                state.leading = true;
                next.slot.tell(Answer::Lead);
            }
            None => state.leading = false,
        }
    }

    /// One leader's turn, a pipeline of one sync: that sync makes durable
    /// the bytes of every file queued now *and* the names of the files the
    /// previous cycle renamed. Then those earlier writers are answered, and
    /// this cycle's files are renamed into place, to be answered after the
    /// next cycle's sync. A file thus gets its final name only once its
    /// bytes are on disk, and its writer an answer only once the name is.
    fn cycle(&self) {
        let (group, named, created) = {
            let mut state = self.lock();
            (
                std::mem::take(&mut state.queue),
                std::mem::take(&mut state.unsynced),
                std::mem::take(&mut state.created),
            )
        };
        let (synced, failed_folders) = self.sync(&group, &named, &created);
        let mut answers: Vec<(Arc<Slot>, Sha256Digest, Result<(), GroupError>)> =
            Vec::with_capacity(group.len() + named.len());
        for staged in named {
            let failure = staged
                .target
                .ancestors()
                .find_map(|folder| failed_folders.iter().find(|error| error.path == folder));
            match failure {
                None => answers.push((staged.slot, staged.digest, Ok(()))),
                Some(error) => {
                    // Not known to be on disk: take the name back so that
                    // neither a retry's dedup check nor a reader trusts it.
                    let _ = fs::remove_file(&staged.target);
                    answers.push((staged.slot, staged.digest, Err(copy_error(error))));
                }
            }
        }
        let mut renamed: Vec<Staged> = Vec::new();
        let mut created: Vec<PathBuf> = Vec::new();
        for (staged, synced) in group.into_iter().zip(synced) {
            match synced.and_then(|()| place(&staged, &mut created)) {
                Ok(true) => renamed.push(staged),
                Ok(false) => answers.push((staged.slot, staged.digest, Ok(()))),
                Err(error) => {
                    let _ = fs::remove_file(&staged.temporary);
                    answers.push((staged.slot, staged.digest, Err(error)));
                }
            }
        }
        let mut state = self.lock();
        state.groups += 1;
        state.unsynced = renamed;
        state.created = created;
        for (_, digest, _) in &answers {
            state.in_flight.remove(digest);
        }
        self.hand_over(&mut state);
        drop(state);
        // Writers waiting for one of these digests to settle.
        self.turn.notify_all();
        for (writer, _, outcome) in answers {
            writer.tell(Answer::Done(outcome));
        }
    }

    /// The one sync of a cycle: the bytes of `group`'s files (a result for
    /// each) and the names of `named` with the folders in `created`
    /// (the folders whose sync failed).
    fn sync(
        &self,
        group: &[Staged],
        named: &[Staged],
        created: &[PathBuf],
    ) -> (Vec<Result<(), GroupError>>, Vec<GroupError>) {
        #[cfg(target_os = "linux")]
        if use_syncfs(group.len() + named.len()) {
            let synced = self.sync_filesystem();
            let files = group
                .iter()
                .map(|_| synced.as_ref().map_err(copy_error).copied())
                .collect();
            return (files, synced.err().into_iter().collect());
        }
        // Each folder that gained a name, once: the blobs' folders and the
        // parents of folders made for them.
        let mut folders: Vec<&Path> = named
            .iter()
            .filter_map(|staged| staged.target.parent())
            .chain(created.iter().filter_map(|folder| folder.parent()))
            .collect();
        folders.sort();
        folders.dedup();
        let mut paths: Vec<&Path> = group
            .iter()
            .map(|staged| staged.temporary.as_path())
            .collect();
        paths.extend(folders);
        let mut results = sync_paths(&paths);
        let folder_failures = results
            .split_off(group.len())
            .into_iter()
            .filter_map(Result::err)
            .collect();
        (results, folder_failures)
    }

    #[cfg(target_os = "linux")]
    fn sync_filesystem(&self) -> Result<(), GroupError> {
        rustix::fs::syncfs(&self.filesystem).map_err(|errno| GroupError {
            path: self.root.clone(),
            source: io::Error::from(errno),
        })
    }
}

/// Whether to sync `count` files (or renames) with one `syncfs` rather
/// than an `fsync` each. One file alone keeps the cheaper, narrower `fsync`
/// (`syncfs` also writes out whatever else is dirty on the file system).
#[cfg(target_os = "linux")]
fn use_syncfs(count: usize) -> bool {
    count > 1
}

/// `fsync` of every path (a file or a folder), side by side on scoped
/// threads, so the file system can commit them together; one result each.
fn sync_paths(paths: &[&Path]) -> Vec<Result<(), GroupError>> {
    let sync = |path: &Path| {
        fs::File::open(path)
            .and_then(|file| file.sync_all())
            .map_err(|source| GroupError {
                path: path.to_path_buf(),
                source,
            })
    };
    if let [path] = paths {
        return vec![sync(path)];
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .iter()
            .map(|path| scope.spawn(move || sync(path)))
            .collect();
        handles
            .into_iter()
            .zip(paths)
            .map(|(handle, path)| {
                handle.join().unwrap_or_else(|_| {
                    Err(GroupError {
                        path: path.to_path_buf(),
                        source: io::Error::other("a sync thread panicked"),
                    })
                })
            })
            .collect()
    })
}

/// Moves one synced temporary file into place. `Ok(false)`: an intact copy
/// was already there (deduplicated, the temporary file removed). A damaged
/// copy is replaced by the good bytes. New folders are added to `created`.
fn place(staged: &Staged, created: &mut Vec<PathBuf>) -> Result<bool, GroupError> {
    let target = &staged.target;
    if target.exists() && super::file_matches(target, &staged.digest) {
        let _ = fs::remove_file(&staged.temporary);
        return Ok(false);
    }
    let Some(folder) = target.parent() else {
        return Err(GroupError {
            path: target.clone(),
            source: io::Error::other("a blob path without a folder"),
        });
    };
    create_folders(folder, created).map_err(|source| GroupError {
        path: folder.to_path_buf(),
        source,
    })?;
    fs::rename(&staged.temporary, target).map_err(|source| GroupError {
        path: target.clone(),
        source,
    })?;
    Ok(true)
}

/// `create_dir_all` that remembers which folders it made, so their parents'
/// entries can be synced with the group.
fn create_folders(folder: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    if folder.is_dir() {
        return Ok(());
    }
    if let Some(parent) = folder.parent() {
        create_folders(parent, created)?;
    }
    match fs::create_dir(folder) {
        Ok(()) => {
            created.push(folder.to_path_buf());
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists && folder.is_dir() => Ok(()),
        Err(error) => Err(error),
    }
}

/// The same failure for every writer of a group.
fn copy_error(error: &GroupError) -> GroupError {
    GroupError {
        path: error.path.clone(),
        source: io::Error::new(error.source.kind(), error.source.to_string()),
    }
}
