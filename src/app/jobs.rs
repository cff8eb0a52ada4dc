//! Background work: one job type for everything that runs off the UI thread (loading a cohort,
//! re-checking it, fitting a model, a file dialog). A job reports its stage and progress, which
//! the shell draws as a progress bar, and is cancelled when dropped, so opening another cohort
//! abandons the work of the last one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex, PoisonError};

use eframe::egui;

use crate::pipeline;

/// Where a job is: the stage it is in and how far through the whole job (0–1).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub stage: String,
    pub fraction: f32,
}

/// What the worker holds: where to report progress, and whether to give up.
#[derive(Clone)]
pub struct Worker {
    progress: Arc<Mutex<Progress>>,
    cancelled: Arc<AtomicBool>,
    repaint: egui::Context,
}

impl Worker {
    /// Report the stage under way and the fraction of the whole job done.
    pub fn report(&self, stage: &str, fraction: f32) {
        let mut p = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
        stage.clone_into(&mut p.stage);
        p.fraction = fraction.clamp(0.0, 1.0);
        drop(p);
        self.repaint.request_repaint();
    }

    /// True once the job was cancelled (its owner dropped it or asked to stop).
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// The flag [`Worker::is_cancelled`] reads, for long computations to poll themselves.
    pub fn stop_flag(&self) -> &AtomicBool {
        &self.cancelled
    }
}

impl pipeline::Progress for Worker {
    fn report(&self, stage: pipeline::Stage, fraction: f32) {
        Worker::report(self, stage.label(), fraction);
    }

    fn is_cancelled(&self) -> bool {
        Worker::is_cancelled(self)
    }
}

/// Outcome of polling a job.
#[derive(Debug, PartialEq)]
pub enum Poll<T> {
    Running,
    Done(T),
    /// The worker stopped without a result (it panicked or was cancelled).
    Lost,
}

/// Work on a named thread, with its result delivered once.
pub struct Job<T> {
    pub name: String,
    progress: Arc<Mutex<Progress>>,
    cancelled: Arc<AtomicBool>,
    /// Behind a mutex so a job can be shared (a view's clones share its fit).
    result: Mutex<Receiver<T>>,
}

impl<T> std::fmt::Debug for Job<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("name", &self.name)
            .field("progress", &self.progress())
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Job<T> {
    /// Run `work` on a thread named `name`; each report and the result request a repaint.
    pub fn spawn(
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce(&Worker) -> T + Send + 'static,
    ) -> Result<Self, String> {
        let (tx, rx) = channel();
        let worker = Worker {
            progress: Arc::new(Mutex::new(Progress {
                stage: name.to_owned(),
                fraction: 0.0,
            })),
            cancelled: Arc::new(AtomicBool::new(false)),
            repaint: ctx.clone(),
        };
        let job = Self {
            name: name.to_owned(),
            progress: Arc::clone(&worker.progress),
            cancelled: Arc::clone(&worker.cancelled),
            result: Mutex::new(rx),
        };
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let out = work(&worker);
                if !worker.is_cancelled() {
                    let _ = tx.send(out);
                }
                worker.repaint.request_repaint();
            })
            .map_err(|e| format!("could not start {name}: {e}"))?;
        Ok(job)
    }
}

impl<T> Job<T> {
    /// The result if the job has finished, without waiting.
    pub fn poll(&self) -> Poll<T> {
        let result = self.result.lock().unwrap_or_else(PoisonError::into_inner);
        match result.try_recv() {
            Ok(v) => Poll::Done(v),
            Err(TryRecvError::Empty) => Poll::Running,
            Err(TryRecvError::Disconnected) => Poll::Lost,
        }
    }

    /// Wait for the result (tests and headless harnesses).
    pub fn wait(&self) -> Option<T> {
        self.result.lock().unwrap_or_else(PoisonError::into_inner).recv().ok()
    }

    pub fn progress(&self) -> Progress {
        self.progress.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Ask the worker to stop; its result, if any, is dropped.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_reports_progress_and_delivers_its_result_once() {
        let ctx = egui::Context::default();
        let (go, wait) = channel::<()>();
        let job = Job::spawn("test job", &ctx, move |w| {
            w.report("halfway", 0.5);
            wait.recv().ok();
            42
        })
        .expect("thread");
        while job.progress().fraction < 0.5 {
            std::thread::yield_now();
        }
        assert_eq!(job.progress().stage, "halfway");
        assert_eq!(job.poll(), Poll::Running);
        go.send(()).expect("worker waits");
        assert_eq!(job.wait(), Some(42));
        // Delivered once: when the worker has gone, there is nothing more.
        let mut after = job.poll();
        while after == Poll::Running {
            std::thread::yield_now();
            after = job.poll();
        }
        assert_eq!(after, Poll::Lost);
    }

    #[test]
    fn a_cancelled_job_delivers_nothing() {
        let ctx = egui::Context::default();
        let (go, wait) = channel::<()>();
        let (seen_tx, seen) = channel::<bool>();
        let job = Job::spawn("cancelled job", &ctx, move |w| {
            wait.recv().ok();
            seen_tx.send(w.is_cancelled()).ok();
            1
        })
        .expect("thread");
        job.cancel();
        go.send(()).expect("worker waits");
        assert_eq!(seen.recv(), Ok(true));
        assert_eq!(job.wait(), None);
    }
}
