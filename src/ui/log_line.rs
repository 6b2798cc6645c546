//! `ApduScriptorLogLine`: one line of the result log (or its header) as a
//! single widget that lays out and draws its columns itself.
//!
//! GTK 4.8's list views keep about 200 rows built, whatever is visible. With
//! a label per column a run paid for 1 400 labels and their cells before its
//! first rows showed; one widget per row makes that a seventh of the work,
//! and the text is only shaped when a row is drawn.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gtk::glib::clone;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, glib, graphene, pango};

use super::log_entry::{EntryKind, LogEntry};
use super::log_row::LogRow;
use crate::apdu::{hex_spaced, status};

/// The columns of the log, left to right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Time,
    Line,
    Command,
    Data,
    Sw,
    Meaning,
    Duration,
}

/// Each column and its width in pixels; 0 shares the width left over.
const COLUMNS: [(Column, i32); 7] = [
    (Column::Time, 100),
    (Column::Line, 48),
    (Column::Command, 230),
    (Column::Data, 0),
    (Column::Sw, 56),
    (Column::Meaning, 0),
    (Column::Duration, 76),
];
/// The narrowest a shared column gets; below that the line is clipped.
const MIN_SHARED: i32 = 60;
/// Space on each side of a column's text, and above and below a line.
const PAD_X: i32 = 6;
const PAD_Y: i32 = 3;

/// How a cell's text is drawn; the colours come from the theme (indexed in
/// this order by `LogLine::palette`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Dim,
    Success,
    Warning,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellText {
    pub text: String,
    pub tone: Tone,
    pub mono: bool,
    pub bold: bool,
}

impl CellText {
    fn new(text: String, tone: Tone) -> CellText {
        CellText {
            text,
            tone,
            mono: false,
            bold: false,
        }
    }
    fn mono(text: String, tone: Tone) -> CellText {
        CellText {
            mono: true,
            ..CellText::new(text, tone)
        }
    }
}

fn severity_tone(s: status::Severity) -> Tone {
    match s {
        status::Severity::Success => Tone::Success,
        status::Severity::Warning => Tone::Warning,
        status::Severity::Error => Tone::Error,
    }
}

impl Tone {
    /// libadwaita's style class for a label of this tone.
    pub fn style_class(self) -> Option<&'static str> {
        match self {
            Tone::Normal => None,
            Tone::Dim => Some("dim-label"),
            Tone::Success => Some("success"),
            Tone::Warning => Some("warning"),
            Tone::Error => Some("error"),
        }
    }
}

/// The tone of a run's summary: success, failure, or stopped by the user.
pub fn summary_tone(check: Option<bool>) -> Tone {
    match check {
        Some(true) => Tone::Success,
        Some(false) => Tone::Error,
        None => Tone::Warning,
    }
}

/// The text of each column for `e`, in [`COLUMNS`] order.
pub fn cells(e: &LogEntry, show_ascii: bool) -> Vec<CellText> {
    COLUMNS
        .iter()
        .map(|&(column, _)| match column {
            Column::Time => CellText::new(e.time.to_string(), Tone::Dim),
            Column::Line => CellText::new(
                if e.line > 0 {
                    e.line.to_string()
                } else {
                    String::new()
                },
                Tone::Dim,
            ),
            Column::Command => CellText::mono(hex_spaced(&e.command), Tone::Normal),
            Column::Data => CellText::mono(
                match e.kind {
                    EntryKind::Exchange | EntryKind::Reset => {
                        super::export::data_column(e, show_ascii)
                    }
                    _ => String::new(),
                },
                Tone::Normal,
            ),
            Column::Sw => {
                let tone = e
                    .sw()
                    .map_or(Tone::Normal, |(a, b)| severity_tone(status::severity(a, b)));
                CellText::mono(e.sw_text(), tone)
            }
            Column::Meaning => {
                let tone = match e.kind {
                    EntryKind::Error => Tone::Error,
                    EntryKind::Warning => Tone::Warning,
                    EntryKind::Reset | EntryKind::Info => Tone::Dim,
                    EntryKind::Summary => summary_tone(e.check),
                    EntryKind::Exchange if e.check == Some(false) => Tone::Error,
                    EntryKind::Exchange => Tone::Normal,
                };
                CellText {
                    bold: e.kind == EntryKind::Summary,
                    ..CellText::new(e.meaning().into_owned(), tone)
                }
            }
            Column::Duration => CellText::new(e.duration_text(), Tone::Dim),
        })
        .collect()
}

/// The header's cells: the column titles.
pub fn header_cells() -> Vec<CellText> {
    use crate::i18n::gettext;
    COLUMNS
        .iter()
        .map(|&(column, _)| {
            let title = match column {
                Column::Time => gettext("Time"),
                Column::Line => gettext("Line"),
                Column::Command => gettext("Command"),
                Column::Data => gettext("Response Data"),
                Column::Sw => gettext("SW"),
                Column::Meaning => gettext("Meaning"),
                Column::Duration => gettext("Duration"),
            };
            CellText {
                bold: true,
                ..CellText::new(title, Tone::Dim)
            }
        })
        .collect()
}

/// The narrowest a column can be dragged.
const MIN_COLUMN: i32 = 24;
const MAX_COLUMN: i32 = 2000;
/// How close to a column's right edge a drag or a double click resizes it.
const GRAB: f64 = 5.0;
/// The column that takes the width the others leave.
const FILLER: usize = 5;

/// How much of the width left over a shared column gets: the meanings are
/// longer than the response data, whose bytes the detail pane shows whole.
fn share_weight(column: usize) -> i32 {
    if column == FILLER {
        3
    } else {
        2
    }
}

/// The columns' widths, shared by the header and every line of one log:
/// dragging a header edge changes them all. 0 means "share what is left".
#[derive(Debug)]
pub struct ColumnWidths {
    widths: Cell<[i32; 7]>,
    /// Bumped on every change, so lines know their shaped text is stale.
    generation: Cell<u32>,
}

impl Default for ColumnWidths {
    fn default() -> Self {
        ColumnWidths {
            widths: Cell::new(COLUMNS.map(|c| c.1)),
            generation: Cell::new(0),
        }
    }
}

impl ColumnWidths {
    pub fn get(&self) -> [i32; 7] {
        self.widths.get()
    }

    /// Set the widths (from the settings); a list of another length or a
    /// width for the filler column is ignored, others are clamped.
    pub fn set_all(&self, widths: &[i32]) {
        let Ok(mut w) = <[i32; 7]>::try_from(widths) else {
            return;
        };
        for (i, x) in w.iter_mut().enumerate() {
            *x = if i == FILLER || *x == 0 {
                0
            } else {
                (*x).clamp(MIN_COLUMN, MAX_COLUMN)
            };
        }
        self.replace(w);
    }

    /// Give column `i` the width `w` (clamped); the filler stays as it is.
    pub fn set(&self, i: usize, w: i32) {
        if i == FILLER || i >= 7 {
            return;
        }
        let mut all = self.get();
        all[i] = w.clamp(MIN_COLUMN, MAX_COLUMN);
        self.replace(all);
    }

    /// Column `i` back to its default width.
    pub fn reset(&self, i: usize) {
        if let Some(&(_, w)) = COLUMNS.get(i) {
            let mut all = self.get();
            all[i] = w;
            self.replace(all);
        }
    }

    fn replace(&self, widths: [i32; 7]) {
        if self.widths.replace(widths) != widths {
            self.generation.set(self.generation.get().wrapping_add(1));
        }
    }

    /// Left edge and width of every column in a line `width` pixels wide.
    pub fn spans(&self, width: i32) -> [(i32, i32); 7] {
        let widths = self.get();
        let left = width - widths.iter().sum::<i32>();
        let weights: i32 = (0..7).filter(|&i| widths[i] == 0).map(share_weight).sum();
        let mut spans = [(0, 0); 7];
        let mut x = 0;
        for (i, (span, &w)) in spans.iter_mut().zip(widths.iter()).enumerate() {
            let w = if w == 0 {
                (left * share_weight(i) / weights.max(1)).max(MIN_SHARED)
            } else {
                w
            };
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
            .filter(|&(i, _)| i != FILLER && i + 1 < COLUMNS.len())
            .find(|&(_, &(left, w))| (x - f64::from(left + w)).abs() <= GRAB)
            .map(|(i, _)| i)
    }

    fn natural_width(&self) -> i32 {
        let widths = self.get();
        let shared = widths.iter().filter(|&&w| w == 0).count() as i32;
        widths.iter().sum::<i32>() + shared * 2 * MIN_SHARED
    }
}

/// What the shaped texts of a line depend on besides the texts: the line's
/// width, the column widths and the UI font.
#[derive(PartialEq)]
pub struct ShapedFor {
    width: i32,
    columns: u32,
    font: Option<pango::FontDescription>,
}

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct LogLine {
        pub cells: RefCell<Vec<CellText>>,
        /// Shaped texts from the last draw, dropped when the text changes
        /// or the draw is for another [`ShapedFor`].
        pub layouts: RefCell<Vec<Option<pango::Layout>>>,
        pub shaped_for: RefCell<Option<ShapedFor>>,
        pub widths: RefCell<Rc<ColumnWidths>>,
        /// The log row shown (none for the header).
        pub row: RefCell<Option<LogRow>>,
        pub header: Cell<bool>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for LogLine {
        const NAME: &'static str = "ApduScriptorLogLine";
        type Type = super::LogLine;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("logline");
            klass.set_accessible_role(gtk::AccessibleRole::Label);
        }
    }

    impl ObjectImpl for LogLine {
        fn constructed(&self) {
            self.parent_constructed();
            self.obj().set_has_tooltip(true);
        }
    }

    impl WidgetImpl for LogLine {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            match orientation {
                gtk::Orientation::Vertical => {
                    let h = self.obj().line_height() + 2 * PAD_Y;
                    (h, h, -1, -1)
                }
                _ => {
                    let natural = self.widths.borrow().natural_width();
                    (MIN_SHARED * 2, natural, -1, -1)
                }
            }
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            self.obj().draw(snapshot);
        }

        fn query_tooltip(&self, x: i32, _y: i32, _keyboard: bool, tooltip: &gtk::Tooltip) -> bool {
            let obj = self.obj();
            let at = self
                .widths
                .borrow()
                .column_at(WidgetExt::width(&*obj), f64::from(x));
            let Some(i) = at else {
                return false;
            };
            let clipped = self
                .layouts
                .borrow()
                .get(i)
                .and_then(Option::as_ref)
                .is_some_and(|l| l.is_ellipsized());
            if clipped {
                tooltip.set_text(self.cells.borrow().get(i).map(|c| c.text.as_str()));
            }
            clipped
        }
    }
}

glib::wrapper! {
    pub struct LogLine(ObjectSubclass<imp::LogLine>)
        @extends gtk::Widget,
        @implements gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for LogLine {
    fn default() -> Self {
        glib::Object::new()
    }
}

thread_local! {
    /// Line height for a font description (the UI's font and its monospace
    /// variant), so lines need no text shaping to be measured.
    static LINE_HEIGHT: RefCell<Option<(String, i32)>> = const { RefCell::new(None) };
}

impl LogLine {
    /// A line whose columns follow `widths`.
    pub fn new(widths: &Rc<ColumnWidths>) -> LogLine {
        let line = LogLine::default();
        line.imp().widths.replace(widths.clone());
        line
    }

    /// The log's header: the column titles.
    pub fn header(widths: &Rc<ColumnWidths>) -> LogLine {
        let line = LogLine::new(widths);
        line.imp().header.set(true);
        line.add_css_class("header");
        line.set_cells(header_cells());
        line
    }

    /// Let the user drag the header's column edges, or double-click one for
    /// the column's default width; `changed` runs after every change.
    pub fn enable_resizing(&self, changed: impl Fn() + 'static) {
        let changed = Rc::new(changed);
        let grabbed: Rc<Cell<Option<(usize, i32)>>> = Rc::default();
        let edge = |line: &LogLine, x: f64| {
            let widths = line.imp().widths.borrow().clone();
            widths.edge_at(WidgetExt::width(line), x)
        };

        let drag = gtk::GestureDrag::new();
        drag.connect_drag_begin(clone!(
            #[weak(rename_to = line)]
            self,
            #[strong]
            grabbed,
            move |g, x, _| match edge(&line, x) {
                Some(i) => {
                    let width = line.imp().widths.borrow().spans(WidgetExt::width(&line))[i].1;
                    grabbed.set(Some((i, width)));
                    g.set_state(gtk::EventSequenceState::Claimed);
                }
                None => {
                    grabbed.set(None);
                    g.set_state(gtk::EventSequenceState::Denied);
                }
            }
        ));
        drag.connect_drag_update(clone!(
            #[weak(rename_to = line)]
            self,
            #[strong]
            grabbed,
            #[strong]
            changed,
            move |_, dx, _| {
                if let Some((i, width)) = grabbed.get() {
                    line.imp().widths.borrow().set(i, width + dx.round() as i32);
                    changed();
                }
            }
        ));
        drag.connect_drag_end(clone!(
            #[strong]
            grabbed,
            move |_, _, _| grabbed.set(None)
        ));

        let click = gtk::GestureClick::new();
        click.connect_pressed(clone!(
            #[weak(rename_to = line)]
            self,
            move |_, presses, x, _| {
                if presses == 2 {
                    if let Some(i) = edge(&line, x) {
                        line.imp().widths.borrow().reset(i);
                        changed();
                    }
                }
            }
        ));
        // One sequence for both: a drag that starts on an edge is also the
        // first press of a double click.
        drag.group_with(&click);
        self.add_controller(drag);
        self.add_controller(click);

        let motion = gtk::EventControllerMotion::new();
        motion.connect_motion(clone!(
            #[weak(rename_to = line)]
            self,
            move |_, x, _| {
                let cursor = edge(&line, x).map(|_| "col-resize");
                line.set_cursor_from_name(cursor);
            }
        ));
        motion.connect_leave(clone!(
            #[weak(rename_to = line)]
            self,
            move |_| line.set_cursor_from_name(None)
        ));
        self.add_controller(motion);
    }

    /// Show `row`, its response data in ASCII or hex.
    pub fn show(&self, row: &LogRow, show_ascii: bool) {
        self.imp().row.replace(Some(row.clone()));
        self.set_cells(cells(row.entry(), show_ascii));
    }

    /// Show the same row with its response data in ASCII or hex.
    pub fn reshow(&self, show_ascii: bool) {
        let row = self.imp().row.borrow().clone();
        if let Some(row) = row {
            self.show(&row, show_ascii);
        }
    }

    fn set_cells(&self, cells: Vec<CellText>) {
        let imp = self.imp();
        if *imp.cells.borrow() == cells {
            return;
        }
        let label = accessible_text(&cells);
        imp.cells.replace(cells);
        imp.layouts.borrow_mut().clear();
        set_accessible_label(self.upcast_ref(), &label);
        self.queue_draw();
    }

    /// The entry shown (none for the header).
    pub fn entry(&self) -> Option<LogEntry> {
        self.imp().row.borrow().as_ref().map(|r| r.entry().clone())
    }

    /// The texts shown, one per column (for tests).
    pub fn texts(&self) -> Vec<String> {
        self.imp()
            .cells
            .borrow()
            .iter()
            .map(|c| c.text.clone())
            .collect()
    }

    fn font(&self, cell: &CellText) -> pango::FontDescription {
        let mut font = self.pango_context().font_description().unwrap_or_default();
        if cell.mono {
            font.set_family("monospace");
        }
        if cell.bold {
            font.set_weight(pango::Weight::Bold);
        }
        font
    }

    fn line_height(&self) -> i32 {
        let base = self.pango_context().font_description().unwrap_or_default();
        let key = base.to_string();
        if let Some(h) = LINE_HEIGHT.with_borrow(|c| c.as_ref().filter(|c| c.0 == key).map(|c| c.1))
        {
            return h;
        }
        let layout = self.create_pango_layout(Some("Ag"));
        let plain = layout.pixel_size().1;
        let mut mono = base.clone();
        mono.set_family("monospace");
        layout.set_font_description(Some(&mono));
        let h = plain.max(layout.pixel_size().1);
        LINE_HEIGHT.set(Some((key, h)));
        h
    }

    /// The theme's colour for each [`Tone`], in its order, read once a draw.
    #[allow(deprecated)] // GTK 4.8 has no other way to read the theme's colours
    fn palette(&self, header: bool) -> [gdk::RGBA; 5] {
        let style = self.style_context();
        let fg = style.color();
        let named = |name: &str| style.lookup_color(name).unwrap_or(fg);
        let dim = if header { 0.7 } else { 0.55 };
        [
            fg,
            fg.with_alpha(fg.alpha() * dim),
            named("success_color"),
            named("warning_color"),
            named("error_color"),
        ]
    }

    fn draw(&self, snapshot: &gtk::Snapshot) {
        let imp = self.imp();
        let width = WidgetExt::width(self);
        let height = WidgetExt::height(self);
        let widths = imp.widths.borrow().clone();
        let spans = widths.spans(width);
        let now = Some(ShapedFor {
            width,
            columns: widths.generation.get(),
            font: self.pango_context().font_description(),
        });
        if *imp.shaped_for.borrow() != now {
            imp.layouts.borrow_mut().clear();
            imp.shaped_for.replace(now);
        }
        let cells = imp.cells.borrow();
        let mut layouts = imp.layouts.borrow_mut();
        layouts.resize(cells.len(), None);
        let header = imp.header.get();
        let palette = self.palette(header);
        let top = ((height - self.line_height()) / 2) as f32;
        snapshot.push_clip(&graphene::Rect::new(0.0, 0.0, width as f32, height as f32));
        for (i, (cell, &(x, w))) in cells.iter().zip(spans.iter()).enumerate() {
            if header && i > 0 {
                let rule = palette[Tone::Normal as usize].with_alpha(0.25);
                snapshot.append_color(
                    &rule,
                    &graphene::Rect::new(x as f32, 2.0, 1.0, (height - 4) as f32),
                );
            }
            if cell.text.is_empty() || x >= width {
                continue;
            }
            let layout = layouts[i].get_or_insert_with(|| {
                let l = self.create_pango_layout(Some(&cell.text));
                l.set_font_description(Some(&self.font(cell)));
                l.set_width((w - 2 * PAD_X).max(1) * pango::SCALE);
                l.set_ellipsize(pango::EllipsizeMode::End);
                l.set_single_paragraph_mode(true);
                l
            });
            snapshot.save();
            snapshot.translate(&graphene::Point::new((x + PAD_X) as f32, top));
            snapshot.append_layout(layout, &palette[cell.tone as usize]);
            snapshot.restore();
        }
        snapshot.pop();
    }
}

/// Set a widget's accessible label. gtk4-rs binds
/// `gtk_accessible_update_property_value` only from GTK 4.10, but GTK has it
/// since 4.0.
fn set_accessible_label(widget: &gtk::Widget, label: &str) {
    use glib::translate::ToGlibPtr;
    extern "C" {
        fn gtk_accessible_update_property_value(
            accessible: *mut gtk::ffi::GtkWidget,
            n_properties: std::ffi::c_int,
            properties: *mut gtk::ffi::GtkAccessibleProperty,
            values: *const glib::gobject_ffi::GValue,
        );
    }
    let mut property = [gtk::ffi::GTK_ACCESSIBLE_PROPERTY_LABEL];
    let value = label.to_value();
    // SAFETY: a live widget (every GtkWidget is a GtkAccessible), one
    // property and one initialized string GValue, as the C API expects.
    unsafe {
        gtk_accessible_update_property_value(
            widget.to_glib_none().0,
            1,
            property.as_mut_ptr(),
            value.to_glib_none().0,
        );
    }
}

/// What a screen reader says for a line: its non-empty cells in order.
fn accessible_text(cells: &[CellText]) -> String {
    cells
        .iter()
        .map(|c| c.text.as_str())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::log_entry::Time;

    #[test]
    fn spans_fill_the_width_and_keep_fixed_columns() {
        let widths = ColumnWidths::default();
        let spans = widths.spans(1000);
        assert_eq!(spans[0], (0, 100));
        let (x, w) = spans[6];
        assert_eq!(x + w, 1000);
        assert_eq!(
            spans[3].1,
            (1000 - 510) * 2 / 5,
            "response data: 2/5 of the rest"
        );
        assert_eq!(spans[5].1, (1000 - 510) * 3 / 5, "meaning: 3/5 of the rest");
        // Too narrow: the shared columns keep their minimum.
        assert_eq!(widths.spans(100)[3].1, MIN_SHARED);
    }

    #[test]
    fn column_at_finds_the_column() {
        let widths = ColumnWidths::default();
        assert_eq!(widths.column_at(1000, 5.0), Some(0));
        assert_eq!(widths.column_at(1000, 120.0), Some(1));
        assert_eq!(widths.column_at(1000, 999.0), Some(6));
        assert_eq!(widths.column_at(1000, 1000.0), None);
        assert_eq!(widths.column_at(1000, -1.0), None);
    }

    #[test]
    fn resizing_a_column_moves_the_ones_after_it() {
        let widths = ColumnWidths::default();
        let before = widths.spans(1000);
        // The Command column's right edge, give or take a few pixels.
        let edge = f64::from(before[2].0 + before[2].1);
        assert_eq!(widths.edge_at(1000, edge + 3.0), Some(2));
        assert_eq!(widths.edge_at(1000, edge + 20.0), None);
        let generation = widths.generation.get();
        widths.set(2, 300);
        assert_ne!(widths.generation.get(), generation, "lines see the change");
        let after = widths.spans(1000);
        assert_eq!(after[2].1, 300);
        assert_eq!(after[3].0, before[3].0 + 70);
        assert_eq!(after[6].0 + after[6].1, 1000, "the line is still filled");
        // The response data column, once dragged, keeps its width and the
        // meaning takes the rest.
        widths.set(3, 200);
        assert_eq!(widths.spans(1000)[3].1, 200);
        assert_eq!(widths.get()[5], 0);
        widths.set(5, 100);
        assert_eq!(
            widths.get()[5],
            0,
            "the filler column has no width of its own"
        );
        widths.set(0, 1);
        assert_eq!(widths.get()[0], MIN_COLUMN);
        widths.reset(2);
        assert_eq!(widths.get()[2], 230);
        // The settings' list: wrong lengths are ignored, values clamped.
        widths.set_all(&[1, 2, 3]);
        assert_eq!(widths.get()[0], MIN_COLUMN);
        widths.set_all(&[120, 50, 9999, 0, 60, 400, 80]);
        assert_eq!(widths.get(), [120, 50, MAX_COLUMN, 0, 60, 0, 80]);
    }

    #[test]
    fn exchange_cells() {
        let e = LogEntry {
            command: vec![0x00, 0xB0, 0x00, 0x00, 0x02],
            response: vec![0x41, 0x42, 0x6A, 0x82],
            duration: Some(std::time::Duration::from_micros(1500)),
            ..LogEntry::message(EntryKind::Exchange, Time(0), 7, String::new())
        };
        let c = cells(&e, false);
        assert_eq!(c[1].text, "7");
        assert_eq!(c[2].text, "00 B0 00 00 02");
        assert!(c[2].mono);
        assert_eq!(c[3].text, "41 42");
        assert_eq!(cells(&e, true)[3].text, "AB");
        assert_eq!(c[4].text, "6A82");
        assert_eq!(c[4].tone, Tone::Error);
        assert_eq!(c[5].text, e.meaning());
        assert!(!c[6].text.is_empty());
        let text = accessible_text(&c);
        assert!(
            text.contains("00 B0 00 00 02") && text.contains("6A82"),
            "{text}"
        );
    }

    #[test]
    fn summary_is_bold_and_toned() {
        let mut e = LogEntry::message(EntryKind::Summary, Time(0), 0, "done".into());
        e.check = Some(false);
        let c = cells(&e, false);
        assert!(c[5].bold);
        assert_eq!(c[5].tone, Tone::Error);
        assert_eq!(c[1].text, "", "no line number");
    }
}
