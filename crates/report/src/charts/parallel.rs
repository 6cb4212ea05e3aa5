//! Charts drawn side by side and written in order: drawing (PNG above
//! all) is most of a run's writing time, and each chart is independent of
//! the others. A batch is drawn in memory on the thread pool, then written
//! to the sink in the order the charts were added, so the files and any
//! error are the same whatever the thread count; batches bound the memory
//! held to a few charts per thread, however many services there are.

use rayon::prelude::*;

use super::{Chart, ChartOptions, render};
use crate::staging::Sink;
use fundgap::error::Result;

/// A chart's files as (name, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// One chart to draw.
type Job<'a> = Box<dyn Fn() -> Result<Files> + Send + Sync + 'a>;

/// Above this many pixels an image is drawn alone.
const LARGE_IMAGE_PIXELS: u64 = 16_000_000;

/// Runs `job`, turning a panic in a drawing library into an error, so a
/// batch reports its first failure in chart order whatever the thread
/// count.
fn guarded(job: &Job<'_>) -> Result<Files> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).unwrap_or_else(|_| {
        Err(fundgap::error::Error::Usage(
            "a chart could not be drawn (the drawing library failed); --no-charts writes the rest"
                .into(),
        ))
    })
}

/// Charts queued for drawing.
#[derive(Default)]
pub(super) struct Jobs<'a> {
    jobs: Vec<Job<'a>>,
}

impl<'a> Jobs<'a> {
    /// Queues `chart`, to be written as `name`.png/.svg per `opts`.
    pub(super) fn add<C: Chart + Send + Sync + 'a>(
        &mut self,
        chart: C,
        name: impl Into<String>,
        opts: &'a ChartOptions,
    ) {
        let name = name.into();
        self.jobs.push(Box::new(move || {
            let mut files = Files::new();
            render(&chart, &name, opts, &mut files)?;
            Ok(files)
        }));
    }

    /// Draws every chart and writes its files to `sink`, in the order
    /// added; returns the file names.
    pub(super) fn write(self, sink: &mut dyn Sink, opts: &ChartOptions) -> Result<Vec<String>> {
        // A few charts per thread at a time; one at a time when a single
        // image is large (a 20000 x 20000 PNG is 1.2 GB in memory), so
        // memory does not grow with the thread count.
        let pixels = u64::from(opts.width) * u64::from(opts.height);
        let batch = if pixels > LARGE_IMAGE_PIXELS {
            1
        } else {
            2 * rayon::current_num_threads().max(1)
        };
        let mut names = Vec::new();
        for chunk in self.jobs.chunks(batch) {
            let drawn: Vec<Result<Files>> = chunk.par_iter().map(guarded).collect();
            for files in drawn {
                for (name, bytes) in files? {
                    sink.write(&name, &bytes)?;
                    names.push(name);
                }
            }
        }
        Ok(names)
    }
}
