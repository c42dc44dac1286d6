//! Group commit: many concurrent writes made durable by one sync.
//!
//! Each `put` writes its temporary file without syncing it and joins the
//! queue. The store's committer thread (one per store folder) runs *cycles*:
//! it takes the whole queue (a group) and runs one sync that makes durable
//! both the bytes of that group's files and the names of the files the
//! previous cycle renamed into place. Then it answers the previous cycle's
//! writers (their files are now fully on disk) and renames this group's
//! files into place, to be answered after the next cycle's sync. Writers
//! that arrive during a sync queue for the next cycle, so under load one
//! sync serves as many writes as arrived during the previous one, and every
//! sync does double duty; a lone write takes two cycles (bytes, then name),
//! as a plain fsync-rename-fsync would.
//!
//! A writer waits for its answer on its own [`Answer`]: a thread blocks on
//! it (`put`), an async task awaits it ([`Answer::outcome`]) and holds no
//! thread meanwhile. So captures in flight park no threads in the queue, and
//! the one thread that syncs never hands its turn to another (the first
//! design let a waiting writer lead each cycle: some ten thread switches per
//! write under load).
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
//! sync fails the whole cycle. Otherwise the committer fsyncs each file, then
//! each distinct folder that changed.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::future::poll_fn;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use std::task::{Poll, Waker};
use std::thread::JoinHandle;

use crate::Sha256Digest;

/// What a writer is told: its file is durable under its name, or why not.
pub(super) type Outcome = Result<(), GroupError>;

/// A written, not yet durable temporary file waiting for its group.
#[derive(Debug)]
pub(super) struct Staged {
    reply: Reply,
    pub(super) temporary: PathBuf,
    pub(super) target: PathBuf,
    pub(super) digest: Sha256Digest,
}

#[derive(Debug, Default)]
pub(super) struct State {
    /// Files waiting for the next group.
    pub(super) queue: Vec<Staged>,
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
    /// The committer starts no cycle while set (tests gather a group this
    /// way), unless the store is closing.
    pub(super) held: bool,
    /// The last handle on the store is gone: the committer finishes what is
    /// queued and stops.
    closing: bool,
}

/// Where one writer's answer arrives, told once by the committer.
#[derive(Debug, Default)]
pub(super) struct Answer {
    state: Mutex<AnswerState>,
    ready: Condvar,
}

#[derive(Debug, Default)]
struct AnswerState {
    outcome: Option<Outcome>,
    /// The task awaiting the answer, if one is.
    waker: Option<Waker>,
}

impl Answer {
    fn lock(&self) -> MutexGuard<'_, AnswerState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn tell(&self, outcome: Outcome) {
        let waker = {
            let mut state = self.lock();
            state.outcome = Some(outcome);
            state.waker.take()
        };
        self.ready.notify_one();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Blocks the calling thread until the answer comes.
    pub(super) fn wait(&self) -> Outcome {
        let mut state = self.lock();
        loop {
            if let Some(outcome) = state.outcome.take() {
                return outcome;
            }
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The answer, awaited without holding a thread.
    pub(super) async fn outcome(&self) -> Outcome {
        poll_fn(|context| {
            let mut state = self.lock();
            match state.outcome.take() {
                Some(outcome) => Poll::Ready(outcome),
                None => {
                    match &mut state.waker {
                        Some(waker) => waker.clone_from(context.waker()),
                        None => state.waker = Some(context.waker().clone()),
                    }
                    Poll::Pending
                }
            }
        })
        .await
    }
}

/// The committer's side of an [`Answer`]. Dropped untold (the committer
/// panicked mid-cycle), it tells the writer so, instead of leaving it
/// waiting for ever.
#[derive(Debug)]
struct Reply(Option<Arc<Answer>>);

impl Reply {
    fn send(mut self, outcome: Outcome) {
        if let Some(answer) = self.0.take() {
            answer.tell(outcome);
        }
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        if let Some(answer) = self.0.take() {
            answer.tell(Err(GroupError {
                path: PathBuf::new(),
                source: io::Error::other("the blob store's sync thread stopped"),
            }));
        }
    }
}

/// Why one write of a group failed, with the path it failed on.
#[derive(Debug)]
pub(super) struct GroupError {
    pub(super) path: PathBuf,
    pub(super) source: io::Error,
}

/// The group-commit queue of one store, and its committer thread.
#[derive(Debug)]
pub(super) struct GroupCommit {
    shared: Arc<Shared>,
    committer: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// The committer waits here for work.
    work: Condvar,
    /// Writers wait here for a digest in flight to settle.
    settled: Condvar,
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
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            settled: Condvar::new(),
            filesystem: fs::File::open(root)?,
            root: root.to_path_buf(),
        });
        let committer = std::thread::Builder::new()
            .name("blob-sync".to_owned())
            .spawn({
                let shared = Arc::clone(&shared);
                move || shared.run()
            })?;
        Ok(GroupCommit {
            shared,
            committer: Some(committer),
        })
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
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
            state = self.shared.wait_settled(state);
        }
        !waited
    }

    /// Queues the temporary file to be made durable under `target` with the
    /// next group; the returned answer says when it is (or that it failed).
    /// The temporary file is gone either way. Blocks only while another
    /// write of the same bytes is in flight.
    pub(super) fn enqueue(
        &self,
        temporary: PathBuf,
        target: PathBuf,
        digest: Sha256Digest,
    ) -> Arc<Answer> {
        let mut state = self.lock();
        // One write of the same bytes at a time: the second one's dedup
        // check then sees the first one's durable file.
        while state.in_flight.contains(&digest) {
            state = self.shared.wait_settled(state);
        }
        state.in_flight.insert(digest);
        let answer = Arc::new(Answer::default());
        state.queue.push(Staged {
            reply: Reply(Some(Arc::clone(&answer))),
            temporary,
            target,
            digest,
        });
        drop(state);
        self.shared.work.notify_one();
        answer
    }

    /// Lets the committer run again after a test held it.
    #[cfg(test)]
    pub(super) fn release(&self) {
        self.lock().held = false;
        self.shared.work.notify_one();
    }
}

impl Drop for GroupCommit {
    /// The committer answers everything queued, then stops.
    fn drop(&mut self) {
        self.lock().closing = true;
        self.shared.work.notify_one();
        if let Some(committer) = self.committer.take() {
            let _ = committer.join();
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave `State` half-updated in a way that
        // loses a write: every change to it is a single push/insert/remove.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait_settled<'a>(&self, state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.settled
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The committer thread: a cycle whenever there is a file or a name to
    /// make durable, until the store closes with nothing left.
    fn run(&self) {
        loop {
            {
                let mut state = self.lock();
                loop {
                    let pending = !state.queue.is_empty() || !state.unsynced.is_empty();
                    if pending && (!state.held || state.closing) {
                        break;
                    }
                    if !pending && state.closing {
                        return;
                    }
                    state = self
                        .work
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
            self.cycle();
        }
    }

    /// One cycle, a pipeline of one sync: that sync makes durable the bytes
    /// of every file queued now *and* the names of the files the previous
    /// cycle renamed. Then those earlier writers are answered, and this
    /// cycle's files are renamed into place, to be answered after the next
    /// cycle's sync. A file thus gets its final name only once its bytes are
    /// on disk, and its writer an answer only once the name is.
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
        let mut answers: Vec<(Reply, Sha256Digest, Outcome)> =
            Vec::with_capacity(group.len() + named.len());
        for staged in named {
            let failure = staged
                .target
                .ancestors()
                .find_map(|folder| failed_folders.iter().find(|error| error.path == folder));
            match failure {
                None => answers.push((staged.reply, staged.digest, Ok(()))),
                Some(error) => {
                    // Not known to be on disk: take the name back so that
                    // neither a retry's dedup check nor a reader trusts it.
                    let _ = fs::remove_file(&staged.target);
                    answers.push((staged.reply, staged.digest, Err(copy_error(error))));
                }
            }
        }
        let mut renamed: Vec<Staged> = Vec::new();
        let mut created: Vec<PathBuf> = Vec::new();
        for (staged, synced) in group.into_iter().zip(synced) {
            match synced.and_then(|()| place(&staged, &mut created)) {
                Ok(true) => renamed.push(staged),
                Ok(false) => answers.push((staged.reply, staged.digest, Ok(()))),
                Err(error) => {
                    let _ = fs::remove_file(&staged.temporary);
                    answers.push((staged.reply, staged.digest, Err(error)));
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
        drop(state);
        // Writers waiting for one of these digests to settle.
        self.settled.notify_all();
        for (reply, _, outcome) in answers {
            reply.send(outcome);
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
