//! `ApduScriptorEditor`: the script editor. A GtkSourceView with the
//! `apdu-script` language, live validation that marks invalid lines and
//! tells the error at the cursor, and a search bar. Validation follows the
//! edits ([`script::Incremental`]): a keystroke re-checks its line, not the
//! whole script, and is shown before the next frame.

use std::cell::{Cell, RefCell};

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use sourceview5::prelude::*;

use super::glue;
use super::tooltips;
use crate::i18n::{gettext, gettext_f, ngettext};
use crate::script::{self, Incremental, ParseError, Script};

const ERROR_CATEGORY: &str = "error";
/// The names of the status word classes (for tests).
const SW_CLASSES: [&str; 3] = ["sw-success", "sw-warning", "sw-error"];
const MAX_MARKS: usize = 1000;

mod imp {
    use super::*;

    #[derive(Default, gtk::CompositeTemplate, glib::Properties)]
    #[template(resource = "/io/github/apduscriptor/ApduScriptor/ui/editor.ui")]
    #[properties(wrapper_type = super::Editor)]
    pub struct Editor {
        #[template_child]
        pub search_bar: TemplateChild<gtk::SearchBar>,
        #[template_child]
        pub search_entry: TemplateChild<gtk::SearchEntry>,
        #[template_child]
        pub search_prev: TemplateChild<gtk::Button>,
        #[template_child]
        pub search_next: TemplateChild<gtk::Button>,
        #[template_child]
        pub search_count: TemplateChild<gtk::Label>,
        #[template_child]
        pub view: TemplateChild<sourceview5::View>,
        #[template_child]
        pub message_label: TemplateChild<gtk::Label>,
        /// Number of errors found by the last validation.
        #[property(get)]
        pub error_count: Cell<u32>,
        /// The text parsed line by line, kept up to date edit by edit.
        pub incremental: RefCell<Incremental>,
        /// The errors listed by the last validation (the first ones).
        pub errors: RefCell<Vec<ParseError>>,
        /// The lines an edit under way touches (from 0, first and last)
        /// and the line count before it, from `insert-text` or
        /// `delete-range` to `changed`.
        pub edit: Cell<Option<(usize, usize, usize)>>,
        /// The next validation parses the whole text: an edit could not be
        /// followed, or the text has a U+2029 paragraph separator, a line
        /// break for the buffer but not for the parser.
        pub whole: Cell<bool>,
        pub pending: RefCell<Option<glib::SourceId>>,
        pub search: RefCell<Option<sourceview5::SearchContext>>,
        pub error_tag: RefCell<Option<gtk::TextTag>>,
        /// The last status word and its meaning per 1-based line, from the
        /// last run; dropped at the next edit.
        pub status_words: RefCell<std::collections::BTreeMap<usize, (u8, u8)>>,
        pub sw_gutter: super::super::sw_gutter::SwGutter,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for Editor {
        const NAME: &'static str = "ApduScriptorEditor";
        type Type = super::Editor;
        type ParentType = gtk::Box;

        fn class_init(klass: &mut Self::Class) {
            sourceview5::View::ensure_type();
            klass.bind_template();
            klass.install_action("editor.next-error", None, |e, _, _| e.go_to_error(true));
            klass.install_action("editor.previous-error", None, |e, _, _| {
                e.go_to_error(false);
            });
        }

        fn instance_init(obj: &glib::subclass::InitializingObject<Self>) {
            obj.init_template();
        }
    }

    #[glib::derived_properties]
    impl ObjectImpl for Editor {
        fn constructed(&self) {
            self.parent_constructed();
            self.obj().setup();
        }

        fn dispose(&self) {
            if let Some(id) = self.pending.take() {
                id.remove();
            }
        }
    }
    impl WidgetImpl for Editor {}
    impl BoxImpl for Editor {}
}

glib::wrapper! {
    pub struct Editor(ObjectSubclass<imp::Editor>)
        @extends gtk::Box, gtk::Widget,
        @implements gtk::Buildable, gtk::ConstraintTarget, gtk::Orientable;
}

impl Default for Editor {
    fn default() -> Self {
        glib::Object::new()
    }
}

/// Underline an error (from its column to the end of its line) and mark
/// its line in the gutter.
fn mark_error(buffer: &sourceview5::Buffer, e: &ParseError) {
    let line = e.pos.line.saturating_sub(1) as i32;
    let Some(mut from) = buffer.iter_at_line(line) else {
        return;
    };
    let mut to = from;
    if !to.ends_line() {
        to.forward_to_line_end();
    }
    let col = e.pos.col.saturating_sub(1) as i32;
    if col < to.line_offset() {
        from.set_line_offset(col);
    }
    if from == to && !from.starts_line() {
        from.backward_char();
    }
    buffer.apply_tag_by_name("invalid", &from, &to);
    // The gutter shows the marks at the start of a line only.
    if buffer
        .source_marks_at_line(line, Some(ERROR_CATEGORY))
        .is_empty()
    {
        if let Some(start) = buffer.iter_at_line(line) {
            buffer.create_source_mark(None, ERROR_CATEGORY, &start);
        }
    }
}

/// The class of a status word: 0 success, 1 warning, 2 error.
fn sw_class(a: u8, b: u8) -> u8 {
    use crate::apdu::status::{severity, Severity};
    match severity(a, b) {
        Severity::Success => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

impl Editor {
    fn setup(&self) {
        let imp = self.imp();
        let buffer = self.buffer();
        // The language (a file to read, regular expressions to compile)
        // colours no empty script: it waits for the window's first frame.
        self.connect_map(|editor| {
            if editor.buffer().char_count() > 0 {
                editor.ensure_language();
            } else {
                super::after_first_frame(editor.upcast_ref(), |w| {
                    if let Some(editor) = w.downcast_ref::<Editor>() {
                        editor.ensure_language();
                    }
                });
            }
        });
        super::follow_style_scheme(&buffer);
        buffer.set_highlight_matching_brackets(true);

        let tag = gtk::TextTag::builder()
            .name("invalid")
            .underline(gtk::pango::Underline::Error)
            .build();
        buffer.tag_table().add(&tag);
        imp.error_tag.replace(Some(tag));

        let attrs = sourceview5::MarkAttributes::new();
        attrs.set_icon_name("dialog-error-symbolic");
        attrs.connect_query_tooltip_text(clone!(
            #[weak(rename_to = editor)]
            self,
            #[upgrade_or_default]
            move |_, mark| {
                let Some(buffer) = mark.buffer() else {
                    return String::new();
                };
                let line = buffer.iter_at_mark(mark).line() as usize + 1;
                editor.errors_on_line(line).join("\n")
            }
        ));
        imp.view.set_mark_attributes(ERROR_CATEGORY, &attrs, 10);

        // Hovering an underlined error, or the gutter beside a line, tells
        // what is wrong there (and the last run's status word).
        imp.view.set_has_tooltip(true);
        imp.view.connect_query_tooltip(clone!(
            #[weak(rename_to = editor)]
            self,
            #[upgrade_or]
            false,
            move |view, x, y, keyboard, tooltip| {
                let iter = if keyboard {
                    let b = editor.buffer();
                    b.iter_at_offset(b.cursor_position())
                } else {
                    let (bx, by) = view.window_to_buffer_coords(gtk::TextWindowType::Widget, x, y);
                    match view.iter_at_location(bx, by) {
                        Some(i) => i,
                        None => return false,
                    }
                };
                let invalid = editor
                    .imp()
                    .error_tag
                    .borrow()
                    .as_ref()
                    .is_some_and(|t| iter.has_tag(t));
                let errors = editor.errors_on_line(iter.line() as usize + 1);
                if !invalid || errors.is_empty() {
                    return false;
                }
                tooltip.set_text(Some(&errors.join("\n")));
                true
            }
        ));
        let gutter = sourceview5::prelude::ViewExt::gutter(&*imp.view, gtk::TextWindowType::Left);
        gutter.insert(&imp.sw_gutter, 5);
        gutter.set_has_tooltip(true);
        gutter.connect_query_tooltip(clone!(
            #[weak(rename_to = editor)]
            self,
            #[upgrade_or]
            false,
            move |_, _x, y, _, tooltip| {
                let view = editor.view();
                let (_, by) = view.window_to_buffer_coords(gtk::TextWindowType::Left, 0, y);
                let (iter, _) = view.line_at_y(by);
                let text = editor.line_notes(iter.line() as usize + 1);
                if text.is_empty() {
                    return false;
                }
                tooltip.set_text(Some(&text));
                true
            }
        ));

        // F8 and Shift+F8 go from error to error, wherever the focus is;
        // caught before GtkPaned, which binds them to its handles.
        let keys = gtk::ShortcutController::new();
        keys.set_scope(gtk::ShortcutScope::Global);
        keys.set_propagation_phase(gtk::PropagationPhase::Capture);
        for (accel, action) in [
            ("F8", "editor.next-error"),
            ("<Shift>F8", "editor.previous-error"),
        ] {
            keys.add_shortcut(gtk::Shortcut::new(
                gtk::ShortcutTrigger::parse_string(accel),
                Some(gtk::NamedAction::new(action)),
            ));
        }
        self.add_controller(keys);

        buffer.connect_insert_text(clone!(
            #[weak(rename_to = editor)]
            self,
            move |b, at, text| {
                let line = at.line().max(0) as usize;
                editor.begin_edit(b, line, line);
                if text.contains('\u{2029}') {
                    editor.imp().whole.set(true);
                }
            }
        ));
        buffer.connect_delete_range(clone!(
            #[weak(rename_to = editor)]
            self,
            move |b, from, to| {
                let (a, z) = (from.line().max(0) as usize, to.line().max(0) as usize);
                editor.begin_edit(b, a.min(z), a.max(z));
            }
        ));
        buffer.connect_changed(clone!(
            #[weak(rename_to = editor)]
            self,
            move |b| {
                editor.end_edit(b);
                editor.clear_status_words();
                editor.schedule_validation();
            }
        ));
        buffer.connect_cursor_position_notify(clone!(
            #[weak(rename_to = editor)]
            self,
            move |_| editor.update_message()
        ));

        let settings = sourceview5::SearchSettings::new();
        settings.set_wrap_around(true);
        imp.search_entry
            .bind_property("text", &settings, "search-text")
            .build();
        let search = sourceview5::SearchContext::new(&buffer, Some(&settings));
        search.connect_occurrences_count_notify(clone!(
            #[weak(rename_to = editor)]
            self,
            move |s| editor.update_search_count(s)
        ));
        imp.search.replace(Some(search));
        imp.search_bar.connect_entry(&*imp.search_entry);
        // No key capture: typed text belongs to the script, and Ctrl+F opens
        // the search.
        imp.search_entry.connect_activate(clone!(
            #[weak(rename_to = editor)]
            self,
            move |_| editor.find(true)
        ));
        imp.search_entry.connect_next_match(clone!(
            #[weak(rename_to = editor)]
            self,
            move |_| editor.find(true)
        ));
        imp.search_entry.connect_previous_match(clone!(
            #[weak(rename_to = editor)]
            self,
            move |_| editor.find(false)
        ));
        imp.search_entry.connect_stop_search(clone!(
            #[weak(rename_to = editor)]
            self,
            move |_| {
                editor.imp().search_bar.set_search_mode(false);
                editor.imp().view.grab_focus();
            }
        ));
        imp.search_next.connect_clicked(clone!(
            #[weak(rename_to = editor)]
            self,
            move |_| editor.find(true)
        ));
        imp.search_prev.connect_clicked(clone!(
            #[weak(rename_to = editor)]
            self,
            move |_| editor.find(false)
        ));
        // The search entry's own keys (GtkSearchEntry's next-match and
        // previous-match signals).
        for (button, accel) in [
            (&imp.search_next, "<Control>g"),
            (&imp.search_prev, "<Shift><Control>g"),
        ] {
            let tip = button.tooltip_text().unwrap_or_default();
            button.set_tooltip_text(Some(&tooltips::with_shortcut(&tip, accel)));
        }
    }

    /// Colour the script as the `apdu-script` language says (once).
    pub fn ensure_language(&self) {
        let buffer = self.buffer();
        if buffer.language().is_some() {
            return;
        }
        if let Some(lang) = super::language_manager().language("apdu-script") {
            buffer.set_language(Some(&lang));
        }
    }

    pub fn view(&self) -> sourceview5::View {
        self.imp().view.get()
    }

    pub fn buffer(&self) -> sourceview5::Buffer {
        self.imp()
            .view
            .buffer()
            .downcast()
            .expect("GtkSourceView has a GtkSourceBuffer")
    }

    pub fn text(&self) -> String {
        let b = self.buffer();
        b.text(&b.start_iter(), &b.end_iter(), true).to_string()
    }

    /// Replace the whole text (a loaded file): not undoable, not modified.
    pub fn set_text(&self, text: &str) {
        if !text.is_empty() {
            self.ensure_language();
        }
        let b = self.buffer();
        b.begin_irreversible_action();
        b.set_text(text);
        b.end_irreversible_action();
        b.place_cursor(&b.start_iter());
        b.set_modified(false);
        self.validate_now();
    }

    /// Parse the current text (fresh, not the debounced result).
    pub fn parse(&self) -> Script {
        script::parse(&self.text())
    }

    /// The script as of now: the last validation, brought up to date first
    /// when an edit is still waiting for it.
    pub fn script(&self) -> Script {
        if self.imp().pending.borrow().is_some() {
            self.validate_edits();
        }
        self.imp().incremental.borrow().script()
    }

    /// Before an edit of lines `first..=last` (from 0).
    fn begin_edit(&self, buffer: &sourceview5::Buffer, first: usize, last: usize) {
        let count = buffer.line_count().max(0) as usize;
        if self
            .imp()
            .edit
            .replace(Some((first, last, count)))
            .is_some()
        {
            // Two edits before one `changed`: not one to follow.
            self.imp().whole.set(true);
        }
    }

    /// After an edit: its lines are to be parsed again.
    fn end_edit(&self, buffer: &sourceview5::Buffer) {
        let imp = self.imp();
        let count = buffer.line_count().max(0) as usize;
        let followed = match imp.edit.take() {
            Some((first, last, before)) => {
                let mut inc = imp.incremental.borrow_mut();
                before == inc.line_count()
                    && inc.edited(first, last, count)
                    && inc.line_count() == count
            }
            None => false,
        };
        if !followed {
            imp.whole.set(true);
        }
    }

    /// Validate before the next frame, once for all the edits made until
    /// then (a replaced selection is a deletion and an insertion). Before
    /// GtkSourceView's highlighting too, which takes longer on a long text.
    fn schedule_validation(&self) {
        let imp = self.imp();
        if imp.pending.borrow().is_some() {
            return;
        }
        let id = glib::idle_add_local_full(
            glib::Priority::DEFAULT,
            clone!(
                #[weak(rename_to = editor)]
                self,
                #[upgrade_or]
                glib::ControlFlow::Break,
                move || {
                    editor.imp().pending.take();
                    editor.validate_edits();
                    glib::ControlFlow::Break
                }
            ),
        );
        imp.pending.replace(Some(id));
    }

    /// Validate the whole text at once: mark invalid lines, update the
    /// error count.
    pub fn validate_now(&self) {
        let imp = self.imp();
        if let Some(id) = imp.pending.take() {
            id.remove();
        }
        let text = self.text();
        imp.whole.set(text.contains('\u{2029}'));
        imp.edit.set(None);
        let inc = Incremental::new(&text);
        drop(text);
        let buffer = self.buffer();
        let (start, end) = buffer.bounds();
        buffer.remove_tag_by_name("invalid", &start, &end);
        buffer.remove_source_marks(&start, &end, Some(ERROR_CATEGORY));
        let (errors, _) = inc.errors();
        for e in errors.iter().take(MAX_MARKS) {
            mark_error(&buffer, e);
        }
        let count = inc.error_count();
        imp.incremental.replace(inc);
        self.set_errors(errors, count);
    }

    /// Validate the lines edited since the last validation, and those
    /// whose errors that changed.
    fn validate_edits(&self) {
        let imp = self.imp();
        if let Some(id) = imp.pending.take() {
            id.remove();
        }
        if imp.whole.get() {
            self.validate_now();
            return;
        }
        let buffer = self.buffer();
        let mut inc = imp.incremental.borrow_mut();
        let changes = inc.update(|i| {
            let from = buffer.iter_at_line(i32::try_from(i).ok()?)?;
            let mut to = from;
            if !to.ends_line() {
                to.forward_to_line_end();
            }
            Some(buffer.text(&from, &to, true).into())
        });
        let (errors, _) = inc.errors();
        let count = inc.error_count();
        drop(inc);
        // The lines to mark again: the edited ones, and those where an
        // error came or went (an error before the first ones listed pushes
        // the last one out, a continuation's error is on another line…).
        let old: Vec<ParseError> = imp
            .errors
            .borrow()
            .iter()
            .map(|e| {
                let mut e = e.clone();
                let line = changes.map_old_line(e.pos.line.saturating_sub(1));
                e.pos.line = line + 1;
                e
            })
            .collect();
        let edited = changes.lines.clone();
        let mut lines: Vec<usize> = old
            .iter()
            .filter(|e| !errors.contains(e))
            .chain(errors.iter().filter(|e| !old.contains(e)))
            .map(|e| e.pos.line.saturating_sub(1))
            .filter(|l| !edited.contains(l))
            .collect();
        lines.sort_unstable();
        lines.dedup();
        let ranges = (!edited.is_empty())
            .then(|| (edited.start, edited.end - 1))
            .into_iter()
            .chain(lines.into_iter().map(|l| (l, l)));
        for (first, last) in ranges {
            let Some(from) = buffer.iter_at_line(first as i32) else {
                continue;
            };
            let mut to = buffer.iter_at_line(last as i32).unwrap_or(from);
            if !to.ends_line() {
                to.forward_to_line_end();
            }
            buffer.remove_tag_by_name("invalid", &from, &to);
            buffer.remove_source_marks(&from, &to, Some(ERROR_CATEGORY));
            let at = errors.partition_point(|e| e.pos.line <= first);
            for e in errors[at..].iter().take_while(|e| e.pos.line <= last + 1) {
                mark_error(&buffer, e);
            }
        }
        self.set_errors(errors, count);
    }

    fn set_errors(&self, errors: Vec<ParseError>, count: usize) {
        let imp = self.imp();
        imp.errors.replace(errors);
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        if imp.error_count.replace(count) != count {
            self.notify_error_count();
        }
        self.update_message();
    }

    /// The errors of the last validation (the first ones, in line order),
    /// brought up to date first when an edit is waiting for it.
    pub fn errors(&self) -> Vec<ParseError> {
        if self.imp().pending.borrow().is_some() {
            self.validate_edits();
        }
        self.imp().errors.borrow().clone()
    }

    /// The messages of the errors on a 1-based line.
    pub fn errors_on_line(&self, line: usize) -> Vec<String> {
        self.imp()
            .errors
            .borrow()
            .iter()
            .filter(|e| e.pos.line == line)
            .map(|e| {
                gettext_f(
                    // TRANSLATORS: {line} and {column} are numbers; {message} one of the script
                    // error messages.
                    &gettext("Line {line}, column {column}: {message}"),
                    &[
                        ("line", &e.pos.line.to_string()),
                        ("column", &e.pos.col.to_string()),
                        ("message", &glue::parse_error_message(e)),
                    ],
                )
            })
            .collect()
    }

    /// What the gutter's tooltip says about a 1-based line: its errors,
    /// or the status word the last run got there.
    pub fn line_notes(&self, line: usize) -> String {
        let errors = self.errors_on_line(line);
        if !errors.is_empty() {
            return errors.join("\n");
        }
        match self.imp().status_words.borrow().get(&line) {
            Some(&(a, b)) => format!("{a:02X}{b:02X}: {}", crate::apdu::status::meaning(a, b)),
            None => String::new(),
        }
    }

    /// Show the status word each line got in the last run (the last one
    /// where a line sent several commands) as a badge in the gutter.
    pub fn show_status_words(&self, words: &[(usize, (u8, u8))]) {
        let mut known = self.imp().status_words.borrow_mut();
        for &(line, sw) in words {
            if line > 0 {
                known.insert(line, sw);
            }
        }
        drop(known);
        self.imp()
            .sw_gutter
            .set(words.iter().map(|&(line, (a, b))| (line, sw_class(a, b))));
    }

    /// Drop the last run's status words.
    pub fn clear_status_words(&self) {
        if self.imp().status_words.take().is_empty() {
            return;
        }
        self.imp().sw_gutter.clear();
    }

    /// 1-based lines with a status word badge, and its class (for tests).
    pub fn status_word_lines(&self) -> Vec<(usize, String)> {
        self.imp()
            .status_words
            .borrow()
            .iter()
            .map(|(&line, &(a, b))| (line, SW_CLASSES[usize::from(sw_class(a, b))].to_owned()))
            .collect()
    }

    /// Put the cursor on the next (or previous) error, around the end.
    pub fn go_to_error(&self, forward: bool) {
        let here = self.cursor_line();
        let mut lines: Vec<_> = self.errors().iter().map(|e| e.pos).collect();
        lines.sort_by_key(|p| (p.line, p.col));
        lines.dedup_by_key(|p| p.line);
        let target = if forward {
            lines
                .iter()
                .find(|p| p.line > here)
                .or_else(|| lines.first())
        } else {
            lines
                .iter()
                .rev()
                .find(|p| p.line < here)
                .or_else(|| lines.last())
        };
        let Some(pos) = target else {
            return;
        };
        let b = self.buffer();
        if let Some(mut iter) = b.iter_at_line(pos.line.saturating_sub(1) as i32) {
            let col = pos.col.saturating_sub(1) as i32;
            let mut end = iter;
            if !end.ends_line() {
                end.forward_to_line_end();
            }
            iter.set_line_offset(col.min(end.line_offset()));
            b.place_cursor(&iter);
            self.imp().view.scroll_mark_onscreen(&b.get_insert());
            self.imp().view.grab_focus();
        }
    }

    /// 1-based lines that carry an error mark.
    pub fn marked_lines(&self) -> Vec<usize> {
        let b = self.buffer();
        (0..b.line_count())
            .filter(|l| !b.source_marks_at_line(*l, Some(ERROR_CATEGORY)).is_empty())
            .map(|l| l as usize + 1)
            .collect()
    }

    fn update_message(&self) {
        let imp = self.imp();
        let label = &imp.message_label;
        let here = self.errors_on_line(self.cursor_line());
        let count = imp.error_count.get();
        if let Some(msg) = here.first() {
            label.set_label(msg);
            label.set_css_classes(&["editor-message", "error"]);
            label.set_visible(true);
        } else if count > 0 {
            let first = imp.errors.borrow().first().map(|e| e.pos.line);
            let text = if count == 1 {
                // TRANSLATORS: {line} is a line number, e.g. 12.
                gettext("One error in the script, on line {line}")
            } else {
                ngettext(
                    // TRANSLATORS: never for exactly one error (a message of its
                    // own), but for 21, 31… in languages that group them with 1.
                    // {line} is the line number of the first error, e.g. 12.
                    "{n} error in the script, the first on line {line}",
                    "{n} errors in the script, the first on line {line}",
                    count,
                )
            };
            label.set_label(&gettext_f(
                &text,
                &[
                    ("n", &count.to_string()),
                    ("line", &first.unwrap_or(0).to_string()),
                ],
            ));
            label.set_css_classes(&["editor-message", "dim-label"]);
            label.set_visible(true);
        } else {
            label.set_visible(false);
        }
    }

    /// 1-based line of the cursor.
    pub fn cursor_line(&self) -> usize {
        let b = self.buffer();
        b.iter_at_offset(b.cursor_position()).line() as usize + 1
    }

    /// 1-based first and last lines of the selection, or the cursor line.
    pub fn selected_lines(&self) -> (usize, usize) {
        let b = self.buffer();
        match b.selection_bounds() {
            Some((s, mut e)) => {
                // A selection ending at the start of a line does not take that line.
                if e.starts_line() && e.line() > s.line() {
                    e.backward_char();
                }
                (s.line() as usize + 1, e.line() as usize + 1)
            }
            None => {
                let l = self.cursor_line();
                (l, l)
            }
        }
    }

    /// Put the cursor at the start of a 1-based line and show it.
    pub fn move_cursor_to_line(&self, line: usize) {
        let b = self.buffer();
        let iter = b
            .iter_at_line(line.saturating_sub(1) as i32)
            .unwrap_or_else(|| b.end_iter());
        b.place_cursor(&iter);
        let mark = b.get_insert();
        self.imp().view.scroll_mark_onscreen(&mark);
    }

    /// Whether the search bar is open.
    pub fn search_mode(&self) -> bool {
        self.imp().search_bar.is_search_mode()
    }

    pub fn show_search(&self) {
        let imp = self.imp();
        if let Some((s, e)) = self.buffer().selection_bounds() {
            if s.line() == e.line() {
                imp.search_entry
                    .set_text(&self.buffer().text(&s, &e, false));
            }
        }
        imp.search_bar.set_search_mode(true);
        imp.search_entry.grab_focus();
    }

    fn find(&self, forward: bool) {
        let Some(search) = self.imp().search.borrow().clone() else {
            return;
        };
        let b = self.buffer();
        let (start, end) = b.selection_bounds().unwrap_or_else(|| {
            (
                b.iter_at_mark(&b.get_insert()),
                b.iter_at_mark(&b.get_insert()),
            )
        });
        let found = if forward {
            search.forward(&end)
        } else {
            search.backward(&start)
        };
        if let Some((s, e, _)) = found {
            b.select_range(&s, &e);
            self.imp()
                .view
                .scroll_to_iter(&mut s.clone(), 0.2, false, 0.0, 0.0);
        }
    }

    fn update_search_count(&self, search: &sourceview5::SearchContext) {
        let n = search.occurrences_count();
        let label = &self.imp().search_count;
        if n < 0 || self.imp().search_entry.text().is_empty() {
            label.set_label("");
        } else {
            let text = ngettext("{n} match", "{n} matches", n as u32);
            label.set_label(&text.replace("{n}", &n.to_string()));
        }
    }
}
