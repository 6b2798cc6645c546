//! The result log's columns and their widths: defaults from the font, the
//! widths the user drags, and where each column lies in a line.

use std::cell::{Cell, RefCell};

use gtk::pango;
use gtk::prelude::*;

use super::log_line::header_cells;

/// The columns of the log, left to right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Time,
    Line,
    /// The command (`> …`) above the response data (`< …`), 16 bytes a
    /// line as scriptor prints them.
    Exchange,
    Sw,
    Meaning,
    Duration,
}

/// How wide a column is by default: the width of a sample text in the
/// column's font (or of its title, if wider), so widths follow the font.
/// The meaning takes the width left over, at least its sample's.
pub(super) const COLUMNS: [(Column, &str, bool); 6] = [
    (Column::Time, "00:00:00.000", false),
    (Column::Line, "00000", false),
    (
        Column::Exchange,
        "> 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
        true,
    ),
    (Column::Sw, "6A82", true),
    (Column::Meaning, "File not found", false),
    (Column::Duration, "999.9 ms", false),
];
pub(super) const N: usize = COLUMNS.len();
// The settings check saved widths against the same number of columns.
const _: () = assert!(N == crate::settings::LOG_COLUMNS);
/// Space on each side of a column's text.
pub(super) const PAD_X: i32 = 6;

/// The narrowest a column can be dragged.
const MIN_COLUMN: i32 = 24;
const MAX_COLUMN: i32 = 2000;
/// How close to a column's right edge a drag or a double click resizes it.
const GRAB: f64 = 5.0;
/// The column that takes the width the others leave.
pub(super) const FILLER: usize = 4;
/// Default widths before a font is known (unit tests).
const FALLBACK: [i32; N] = [100, 50, 420, 50, 200, 80];

/// The columns' widths, shared by the header and every line of one log:
/// dragging a header edge changes them all. A width of 0 is the column's
/// default, from the font.
#[derive(Debug)]
pub struct ColumnWidths {
    /// The widths the user dragged (0: the default).
    user: Cell<[i32; N]>,
    /// The defaults for a font, keyed by the font's description.
    auto: RefCell<Option<(pango::FontDescription, [i32; N])>>,
    /// Bumped on every change, so lines know their shaped text is stale.
    generation: Cell<u32>,
}

impl Default for ColumnWidths {
    fn default() -> Self {
        ColumnWidths {
            user: Cell::new([0; N]),
            auto: RefCell::new(None),
            generation: Cell::new(0),
        }
    }
}

impl ColumnWidths {
    /// The widths the user chose, 0 for a default (for the settings).
    pub fn get(&self) -> [i32; N] {
        self.user.get()
    }

    /// Set the widths (from the settings); a list of another length is
    /// ignored, a width for the filler column dropped, others clamped.
    pub fn set_all(&self, widths: &[i32]) {
        let Ok(mut w) = <[i32; N]>::try_from(widths) else {
            return;
        };
        for (i, x) in w.iter_mut().enumerate() {
            *x = if i == FILLER || *x <= 0 {
                0
            } else {
                (*x).clamp(MIN_COLUMN, MAX_COLUMN)
            };
        }
        self.replace(w);
    }

    /// Give column `i` the width `w` (clamped); the filler stays as it is.
    pub fn set(&self, i: usize, w: i32) {
        if i == FILLER || i >= N {
            return;
        }
        let mut all = self.get();
        all[i] = w.clamp(MIN_COLUMN, MAX_COLUMN);
        self.replace(all);
    }

    /// Column `i` back to its default width.
    pub fn reset(&self, i: usize) {
        if i < N {
            let mut all = self.get();
            all[i] = 0;
            self.replace(all);
        }
    }

    fn replace(&self, widths: [i32; N]) {
        if self.user.replace(widths) != widths {
            self.bump();
        }
    }

    /// Changes with every change of the widths.
    pub(super) fn generation(&self) -> u32 {
        self.generation.get()
    }

    fn bump(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
    }

    /// Work out the default widths for `widget`'s font: each column's
    /// sample text or title, whichever is wider, and the padding.
    pub fn fit_font(&self, widget: &impl IsA<gtk::Widget>) {
        let base = widget
            .pango_context()
            .font_description()
            .unwrap_or_default();
        // Compared, not printed: lines measure often.
        if self.auto.borrow().as_ref().is_some_and(|a| a.0 == base) {
            return;
        }
        let layout = widget.create_pango_layout(None);
        let measure = |text: &str, mono: bool, bold: bool| {
            let mut font = base.clone();
            if mono {
                font.set_family("monospace");
            }
            if bold {
                font.set_weight(pango::Weight::Bold);
            }
            layout.set_font_description(Some(&font));
            layout.set_text(text);
            layout.pixel_size().0
        };
        let titles = header_cells();
        let mut widths = [0; N];
        for (i, (&(_, sample, mono), title)) in COLUMNS.iter().zip(&titles).enumerate() {
            widths[i] =
                measure(sample, mono, false).max(measure(&title.text, false, true)) + 2 * PAD_X + 1;
        }
        self.auto.replace(Some((base, widths)));
        self.bump();
    }

    /// Every column's width: the user's, else the default (for the filler,
    /// its least width).
    fn resolved(&self) -> [i32; N] {
        let auto = self.auto.borrow().as_ref().map_or(FALLBACK, |a| a.1);
        let mut w = self.get();
        for (x, a) in w.iter_mut().zip(auto) {
            if *x == 0 {
                *x = a;
            }
        }
        w
    }

    /// Left edge and width of every column in a line `width` pixels wide;
    /// the filler takes what is left, and a line narrower than all columns
    /// scrolls rather than squeezing them.
    pub fn spans(&self, width: i32) -> [(i32, i32); N] {
        let mut widths = self.resolved();
        let fixed: i32 = (0..N).filter(|&i| i != FILLER).map(|i| widths[i]).sum();
        widths[FILLER] = widths[FILLER].max(width - fixed);
        let mut spans = [(0, 0); N];
        let mut x = 0;
        for (span, w) in spans.iter_mut().zip(widths) {
            *span = (x, w);
            x += w;
        }
        spans
    }

    /// The column under `x`, if any.
    pub fn column_at(&self, width: i32, x: f64) -> Option<usize> {
        self.spans(width)
            .iter()
            .position(|&(left, w)| x >= f64::from(left) && x < f64::from(left + w))
    }

    /// The resizable column whose right edge is at `x`, if any.
    pub fn edge_at(&self, width: i32, x: f64) -> Option<usize> {
        self.spans(width)
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != FILLER && i + 1 < N)
            .find(|&(_, &(left, w))| (x - f64::from(left + w)).abs() <= GRAB)
            .map(|(i, _)| i)
    }

    /// The width of all columns, the filler at its least.
    pub fn natural_width(&self) -> i32 {
        self.resolved().iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_fill_the_width_and_keep_fixed_columns() {
        let widths = ColumnWidths::default();
        let spans = widths.spans(1200);
        assert_eq!(spans[0], (0, FALLBACK[0]));
        let (x, w) = spans[N - 1];
        assert_eq!(x + w, 1200, "the meaning takes what is left");
        assert_eq!(
            spans[FILLER].1,
            1200 - (widths.natural_width() - FALLBACK[FILLER])
        );
        // Too narrow: no column is squeezed, the line is wider (it scrolls).
        let narrow = widths.spans(100);
        assert_eq!(narrow[FILLER].1, FALLBACK[FILLER]);
        assert_eq!(narrow[N - 1].0 + narrow[N - 1].1, widths.natural_width());
    }

    #[test]
    fn column_at_finds_the_column() {
        let widths = ColumnWidths::default();
        let total = widths.natural_width();
        assert_eq!(widths.column_at(total, 5.0), Some(0));
        assert_eq!(
            widths.column_at(total, f64::from(FALLBACK[0]) + 1.0),
            Some(1)
        );
        assert_eq!(widths.column_at(total, f64::from(total - 1)), Some(N - 1));
        assert_eq!(widths.column_at(total, f64::from(total)), None);
        assert_eq!(widths.column_at(total, -1.0), None);
    }

    #[test]
    fn resizing_a_column_moves_the_ones_after_it() {
        let widths = ColumnWidths::default();
        let before = widths.spans(1200);
        // The exchange column's right edge, give or take a few pixels.
        let edge = f64::from(before[2].0 + before[2].1);
        assert_eq!(widths.edge_at(1200, edge + 3.0), Some(2));
        assert_eq!(widths.edge_at(1200, edge + 20.0), None);
        let generation = widths.generation.get();
        widths.set(2, 500);
        assert_ne!(widths.generation.get(), generation, "lines see the change");
        let after = widths.spans(1200);
        assert_eq!(after[2].1, 500);
        assert_eq!(after[3].0, before[3].0 + 500 - FALLBACK[2]);
        assert_eq!(after[N - 1].0 + after[N - 1].1, 1200, "still filled");
        widths.set(FILLER, 100);
        assert_eq!(
            widths.get()[FILLER],
            0,
            "the filler has no width of its own"
        );
        widths.set(0, 1);
        assert_eq!(widths.get()[0], MIN_COLUMN);
        widths.reset(2);
        assert_eq!(widths.get()[2], 0, "back to the font's default");
        assert_eq!(widths.spans(1200)[2].1, FALLBACK[2]);
        // The settings' list: wrong lengths are ignored, values clamped.
        widths.set_all(&[1, 2, 3]);
        assert_eq!(widths.get()[0], MIN_COLUMN);
        widths.set_all(&[120, 50, 9999, 60, 400, 80]);
        assert_eq!(widths.get(), [120, 50, MAX_COLUMN, 60, 0, 80]);
        widths.set_all(&[0, -4, 0, 0, 0, 0]);
        assert_eq!(widths.get(), [0; N]);
    }
}
