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

use super::log_columns::{Column, ColumnWidths, COLUMNS, FILLER, N, PAD_X};
use super::log_entry::{EntryKind, LogEntry};
use super::log_row::LogRow;
use crate::apdu::{push_hex_spaced, status};

/// Bytes on one line of the exchange column.
pub const BYTES_PER_LINE: usize = 16;
/// Space above and below a line.
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

/// `bytes` in hex, 16 a line; the first line starts with `mark` and the
/// others are indented to match.
pub fn wrapped_hex(mark: &str, bytes: &[u8]) -> String {
    let mut s = String::new();
    push_wrapped(&mut s, mark, bytes, false);
    s
}

/// Append `bytes` to `s` 16 a line, in hex or as text, the first line
/// after `mark` and the others indented to match.
fn push_wrapped(s: &mut String, mark: &str, bytes: &[u8], ascii: bool) {
    let indent = mark.chars().count();
    for (i, chunk) in bytes.chunks(BYTES_PER_LINE).enumerate() {
        if i == 0 {
            s.push_str(mark);
        } else {
            s.push('\n');
            s.extend(std::iter::repeat_n(' ', indent));
        }
        if ascii {
            s.extend(chunk.iter().map(|&b| super::log_entry::ascii_char(b)));
        } else {
            push_hex_spaced(s, chunk);
        }
    }
}

/// The exchange column: the command, then the response data in hex or as
/// text; the ATR of a reset.
fn exchange_text(e: &LogEntry, show_ascii: bool) -> String {
    let data = match e.kind {
        EntryKind::Exchange | EntryKind::Reset => e.data(),
        _ => &[],
    };
    let mut s = String::with_capacity((e.command.len() + data.len()) * 3 + 8);
    if !e.command.is_empty() {
        push_wrapped(&mut s, "> ", &e.command, false);
    }
    if !data.is_empty() {
        if !s.is_empty() {
            s.push('\n');
        }
        let mark = if e.kind == EntryKind::Exchange {
            "< "
        } else {
            ""
        };
        push_wrapped(&mut s, mark, data, show_ascii);
    }
    s
}

/// The text of each column for `e`, in [`COLUMNS`] order.
pub fn cells(e: &LogEntry, show_ascii: bool) -> Vec<CellText> {
    COLUMNS
        .iter()
        .map(|&(column, _, _)| match column {
            Column::Time => CellText::new(e.time.to_string(), Tone::Dim),
            Column::Line => CellText::new(
                if e.line > 0 {
                    e.line.to_string()
                } else {
                    String::new()
                },
                Tone::Dim,
            ),
            Column::Exchange => CellText::mono(exchange_text(e, show_ascii), Tone::Normal),
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
                    EntryKind::Run => Tone::Normal,
                    EntryKind::Exchange if e.check == Some(false) => Tone::Error,
                    EntryKind::Exchange => Tone::Normal,
                };
                CellText {
                    bold: matches!(e.kind, EntryKind::Summary | EntryKind::Run),
                    ..CellText::new(meaning(e), tone)
                }
            }
            Column::Duration => CellText::new(e.duration_text(), Tone::Dim),
        })
        .collect()
}

thread_local! {
    /// The meaning of each status word shown, translated once: most rows
    /// are plain exchanges whose meaning comes from their status word, and
    /// the language of a process does not change.
    static MEANINGS: RefCell<std::collections::HashMap<(u8, u8), String>> =
        RefCell::new(std::collections::HashMap::new());
}

/// What `e` means, as [`LogEntry::meaning`] says it.
fn meaning(e: &LogEntry) -> String {
    match e.sw() {
        Some(sw) if e.text.is_empty() => MEANINGS.with_borrow_mut(|m| {
            m.entry(sw)
                .or_insert_with(|| e.meaning().into_owned())
                .clone()
        }),
        _ => e.meaning().into_owned(),
    }
}

/// The header's cells: the column titles.
pub fn header_cells() -> Vec<CellText> {
    use crate::i18n::{gettext, pgettext};
    COLUMNS
        .iter()
        .map(|&(column, _, _)| {
            let title = match column {
                // TRANSLATORS: log column: the time of day a command was sent.
                Column::Time => pgettext("log column", "Time"),
                // TRANSLATORS: log column: the number of the script line.
                Column::Line => pgettext("log column", "Line"),
                // TRANSLATORS: log column: the command bytes above the
                // response data bytes.
                Column::Exchange => pgettext("log column", "Command / Response"),
                Column::Sw => gettext("SW"),
                // TRANSLATORS: log column: what the status word means, e.g.
                // "File or application not found".
                Column::Meaning => gettext("Meaning"),
                // TRANSLATORS: log column: how long the card took to answer.
                Column::Duration => gettext("Duration"),
            };
            CellText {
                bold: true,
                ..CellText::new(title, Tone::Dim)
            }
        })
        .collect()
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
        /// Shaped texts, dropped when the text changes or the line is
        /// shaped for another [`ShapedFor`].
        pub layouts: RefCell<Vec<Option<pango::Layout>>>,
        pub shaped_for: RefCell<Option<ShapedFor>>,
        pub widths: RefCell<Rc<ColumnWidths>>,
        /// The log row shown (none for the header).
        pub row: RefCell<Option<LogRow>>,
        pub header: Cell<bool>,
        /// How far the rows below are scrolled sideways (the header only).
        pub offset: Cell<i32>,
        /// A row with no bytes (summary, run, message): its text takes the
        /// columns of the bytes and the status word too.
        pub wide: Cell<bool>,
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
        fn request_mode(&self) -> gtk::SizeRequestMode {
            gtk::SizeRequestMode::HeightForWidth
        }

        fn measure(&self, orientation: gtk::Orientation, for_size: i32) -> (i32, i32, i32, i32) {
            let obj = self.obj();
            let widths = self.widths.borrow().clone();
            widths.fit_font(&*obj);
            match orientation {
                gtk::Orientation::Vertical => {
                    let width = if for_size < 0 {
                        widths.natural_width()
                    } else {
                        for_size
                    };
                    let h = obj.text_height(width) + 2 * PAD_Y;
                    (h, h, -1, -1)
                }
                _ => {
                    let natural = widths.natural_width();
                    // The header follows the rows' sideways scrolling.
                    let min = if self.header.get() { 0 } else { natural };
                    (min, natural, -1, -1)
                }
            }
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            self.obj().draw(snapshot);
        }

        fn query_tooltip(&self, x: i32, _y: i32, _keyboard: bool, tooltip: &gtk::Tooltip) -> bool {
            let obj = self.obj();
            let x = f64::from(x + self.offset.get());
            let width = obj.content_width();
            let widths = self.widths.borrow().clone();
            let Some(i) = widths.column_at(width, x) else {
                return false;
            };
            let span = obj.spans(width)[i].1 - 2 * PAD_X;
            let clipped = self
                .layouts
                .borrow()
                .get(i)
                .and_then(Option::as_ref)
                .is_some_and(|l| l.is_ellipsized() || l.pixel_size().0 > span);
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
    static LINE_HEIGHT: RefCell<Option<(pango::FontDescription, i32)>> = const { RefCell::new(None) };
    /// Heights of wrapped meanings by width of the column, then text: most
    /// rows repeat a few meanings, so measuring a screenful shapes almost
    /// nothing (and looks up by the text, without copying it).
    static WRAPPED: RefCell<std::collections::HashMap<i32, std::collections::HashMap<String, i32>>> =
        RefCell::new(std::collections::HashMap::new());
}
/// Forget the wrapped heights beyond this many (a font change leaves stale
/// ones too; the key has no font).
const WRAPPED_MAX: usize = 2048;

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
            widths.edge_at(line.content_width(), x + f64::from(line.imp().offset.get()))
        };

        let drag = gtk::GestureDrag::new();
        drag.connect_drag_begin(clone!(
            #[weak(rename_to = line)]
            self,
            #[strong]
            grabbed,
            move |g, x, _| match edge(&line, x) {
                Some(i) => {
                    let width = line.imp().widths.borrow().spans(line.content_width())[i].1;
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
        let e = row.entry();
        let wide = e.command.is_empty() && e.response.is_empty();
        if self.imp().wide.replace(wide) != wide {
            self.imp().layouts.borrow_mut().clear();
        }
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
        self.queue_resize();
    }

    /// The columns whose text does not fit: cut with "…" or wider than the
    /// column (for tests: nothing should be).
    pub fn clipped_columns(&self) -> Vec<usize> {
        let width = self.content_width();
        let spans = self.spans(width);
        let n = self.imp().cells.borrow().len();
        (0..n)
            .filter(|&i| {
                self.layout(i, width)
                    .is_some_and(|l| l.is_ellipsized() || l.pixel_size().0 > spans[i].1 - 2 * PAD_X)
            })
            .collect()
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

    /// The width the columns are laid out in: the line's, or for the
    /// header, as wide as the rows below it.
    fn content_width(&self) -> i32 {
        let natural = self.imp().widths.borrow().natural_width();
        WidgetExt::width(self).max(natural)
    }

    /// Where each column is drawn in a line `width` wide: as the header's,
    /// but a wide row's text starts at the bytes' column.
    fn spans(&self, width: i32) -> [(i32, i32); N] {
        let mut spans = self.imp().widths.borrow().spans(width);
        if self.imp().wide.get() {
            let (x, _) = spans[2];
            let (fx, fw) = spans[FILLER];
            spans[FILLER] = (x, fx + fw - x);
            spans[2].1 = 0;
            spans[3].1 = 0;
        }
        spans
    }

    /// The header follows the rows scrolled `offset` pixels sideways.
    pub fn set_offset(&self, offset: i32) {
        if self.imp().offset.replace(offset) != offset {
            self.queue_draw();
        }
    }

    /// The shaped text of cell `i` for a line `width` wide; the meaning
    /// wraps (the header's titles are cut with "…" when a column is dragged
    /// narrower), the others are one line of text or bytes each.
    fn layout(&self, i: usize, width: i32) -> Option<pango::Layout> {
        let imp = self.imp();
        let widths = imp.widths.borrow().clone();
        let now = Some(ShapedFor {
            width,
            columns: widths.generation(),
            font: self.pango_context().font_description(),
        });
        if *imp.shaped_for.borrow() != now {
            imp.layouts.borrow_mut().clear();
            imp.shaped_for.replace(now);
        }
        let cells = imp.cells.borrow();
        let cell = cells.get(i).filter(|c| !c.text.is_empty())?;
        let mut layouts = imp.layouts.borrow_mut();
        layouts.resize(cells.len(), None);
        let layout = layouts[i].get_or_insert_with(|| {
            let w = self.spans(width)[i].1;
            let l = self.create_pango_layout(Some(&cell.text));
            l.set_font_description(Some(&self.font(cell)));
            if imp.header.get() {
                l.set_width((w - 2 * PAD_X).max(1) * pango::SCALE);
                l.set_ellipsize(pango::EllipsizeMode::End);
                l.set_single_paragraph_mode(true);
            } else if i == FILLER {
                l.set_width((w - 2 * PAD_X).max(1) * pango::SCALE);
                l.set_wrap(pango::WrapMode::WordChar);
            }
            l
        });
        Some(layout.clone())
    }

    /// The height of the tallest cell for a line `width` wide.
    /// Only the meaning wraps: the other cells are as many lines high as
    /// they have lines, so they need no shaping here.
    fn text_height(&self, width: i32) -> i32 {
        let line = self.line_height();
        if self.imp().header.get() {
            return line;
        }
        let span = self.spans(width)[FILLER].1;
        let (lines, known) = {
            let cells = self.imp().cells.borrow();
            let lines = cells
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != FILLER)
                .map(|(_, c)| c.text.lines().count() as i32)
                .max()
                .unwrap_or(1);
            let known = match cells.get(FILLER).map(|c| c.text.as_str()) {
                None | Some("") => Some(0),
                Some(m) => WRAPPED.with_borrow(|w| w.get(&span)?.get(m).copied()),
            };
            (lines, known)
        };
        let wrapped = known.unwrap_or_else(|| {
            let h = self.layout(FILLER, width).map_or(0, |l| l.pixel_size().1);
            let text = self.imp().cells.borrow()[FILLER].text.clone();
            WRAPPED.with_borrow_mut(|w| {
                if w.values().map(|m| m.len()).sum::<usize>() >= WRAPPED_MAX {
                    w.clear();
                }
                w.entry(span).or_default().insert(text, h);
            });
            h
        });
        (lines * line).max(wrapped).max(line)
    }

    fn line_height(&self) -> i32 {
        let base = self.pango_context().font_description().unwrap_or_default();
        if let Some(h) =
            LINE_HEIGHT.with_borrow(|c| c.as_ref().filter(|c| c.0 == base).map(|c| c.1))
        {
            return h;
        }
        let layout = self.create_pango_layout(Some("Ag"));
        let plain = layout.pixel_size().1;
        let mut mono = base.clone();
        mono.set_family("monospace");
        layout.set_font_description(Some(&mono));
        let h = plain.max(layout.pixel_size().1);
        LINE_HEIGHT.set(Some((base, h)));
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
        let width = self.content_width();
        let height = WidgetExt::height(self);
        let offset = imp.offset.get();
        let spans = self.spans(width);
        let header = imp.header.get();
        let palette = self.palette(header);
        let tones: Vec<Tone> = imp.cells.borrow().iter().map(|c| c.tone).collect();
        snapshot.push_clip(&graphene::Rect::new(
            0.0,
            0.0,
            WidgetExt::width(self) as f32,
            height as f32,
        ));
        let starts_run = imp
            .row
            .borrow()
            .as_ref()
            .is_some_and(|r| r.entry().kind == EntryKind::Run);
        if starts_run {
            let rule = palette[Tone::Normal as usize].with_alpha(0.4);
            snapshot.append_color(&rule, &graphene::Rect::new(0.0, 0.0, width as f32, 1.0));
        }
        snapshot.translate(&graphene::Point::new(-offset as f32, 0.0));
        for (i, (tone, &(x, w))) in tones.iter().zip(spans.iter()).enumerate() {
            if header && i > 0 {
                let rule = palette[Tone::Normal as usize].with_alpha(0.25);
                snapshot.append_color(
                    &rule,
                    &graphene::Rect::new(x as f32, 2.0, 1.0, (height - 4) as f32),
                );
            }
            let Some(layout) = self.layout(i, width) else {
                continue;
            };
            // Header titles sit in the middle, row texts at the top.
            let top = if header {
                (height - layout.pixel_size().1) / 2
            } else {
                PAD_Y
            };
            snapshot.push_clip(&graphene::Rect::new(
                (x + PAD_X) as f32,
                0.0,
                (w - 2 * PAD_X).max(0) as f32,
                height as f32,
            ));
            snapshot.save();
            snapshot.translate(&graphene::Point::new((x + PAD_X) as f32, top as f32));
            snapshot.append_layout(&layout, &palette[*tone as usize]);
            snapshot.restore();
            snapshot.pop();
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
    use crate::apdu::hex_spaced;
    use crate::ui::log_entry::Time;

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
        assert_eq!(c[2].text, "> 00 B0 00 00 02\n< 41 42");
        assert!(c[2].mono);
        assert_eq!(cells(&e, true)[2].text, "> 00 B0 00 00 02\n< AB");
        assert_eq!(c[3].text, "6A82");
        assert_eq!(c[3].tone, Tone::Error);
        assert_eq!(c[4].text, e.meaning());
        assert!(!c[5].text.is_empty());
        let text = accessible_text(&c);
        assert!(
            text.contains("00 B0 00 00 02") && text.contains("6A82"),
            "{text}"
        );
    }

    #[test]
    fn bytes_wrap_sixteen_a_line() {
        let data: Vec<u8> = (0..=255).collect();
        let e = LogEntry {
            command: (0..20).collect(),
            response: data.iter().copied().chain([0x90, 0x00]).collect(),
            ..LogEntry::message(EntryKind::Exchange, Time(0), 1, String::new())
        };
        let text = &cells(&e, false)[2].text;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2 + 16, "{text}");
        assert_eq!(lines[0], format!("> {}", hex_spaced(&e.command[..16])));
        assert_eq!(lines[1], "  10 11 12 13");
        assert_eq!(lines[2], format!("< {}", hex_spaced(&data[..16])));
        assert_eq!(lines[17], format!("  {}", hex_spaced(&data[240..])));
        for b in data {
            assert!(text.contains(&format!("{b:02X}")));
        }
    }

    #[test]
    fn summary_is_bold_and_toned() {
        let mut e = LogEntry::message(EntryKind::Summary, Time(0), 0, "done".into());
        e.check = Some(false);
        let c = cells(&e, false);
        assert!(c[FILLER].bold);
        assert_eq!(c[FILLER].tone, Tone::Error);
        assert_eq!(c[1].text, "", "no line number");
    }
}
