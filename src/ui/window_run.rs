//! Running scripts from the window and showing what the worker reports.

use adw::prelude::*;
use adw::subclass::prelude::*;
use gtk::glib;

use super::glue;
use super::log_entry::{reset_label, EntryKind, LogEntry, Time};
use super::reader_panel::Connection;
use super::window::Window;
use crate::card::{self, CardError};
use crate::engine::EngineOptions;
use crate::i18n::{gettext, gettext_f, ngettext, pgettext};
use crate::script::Statement;
use crate::worker::{Event, Request};

fn overlaps(s: &Statement, (first, last): (usize, usize)) -> bool {
    s.span.start.line <= last && s.span.end.line.max(s.span.start.line) >= first
}

impl Window {
    fn options(&self) -> EngineOptions {
        EngineOptions {
            auto_get_response: self.reader_panel().auto_get_response_switch().is_active(),
            continue_on_mismatch: self.imp().continue_on_mismatch.get(),
            ..EngineOptions::default()
        }
    }

    /// Connect to the selected reader (the demo card when none).
    pub(crate) fn connect_selected(&self) {
        let panel = self.reader_panel();
        let reader = panel
            .selected_reader()
            .unwrap_or_else(|| card::DEMO_READER.to_owned());
        self.send(Request::Connect {
            reader,
            protocol: panel.protocol(),
            share: panel.share_mode(),
        });
    }

    /// Run the statements on lines `range` (all when `None`). A script with
    /// errors in that range sends nothing.
    pub fn run_range(&self, range: Option<(usize, usize)>, stepping: bool) {
        if self.is_running() {
            return;
        }
        let editor = self.editor();
        let script = editor.script();
        let in_range = |line: usize| range.is_none_or(|(a, b)| line >= a && line <= b);
        let errors: Vec<_> = script
            .errors
            .iter()
            .filter(|e| in_range(e.pos.line))
            .collect();
        // Errors past the listed ones (a parse keeps the first 100) count too.
        let unlisted = match range {
            None => script.more_errors,
            Some((a, b)) => usize::from(errors.is_empty() && script.has_errors_in_lines(a, b)),
        };
        if !errors.is_empty() || unlisted > 0 {
            let n = u32::try_from(errors.len() + unlisted).unwrap_or(u32::MAX);
            let reason = ngettext(
                "The script has {n} error; nothing was sent",
                "The script has {n} errors; nothing was sent",
                n,
            )
            .replace("{n}", &n.to_string());
            self.log_view().run_refused(&reason);
            let time = Time::now();
            let rows = errors
                .iter()
                .map(|e| {
                    LogEntry::message(
                        EntryKind::Error,
                        time,
                        e.pos.line,
                        editor
                            .errors_on_line(e.pos.line)
                            .into_iter()
                            .next()
                            .unwrap_or_else(|| glue::parse_error_message(e)),
                    )
                })
                .collect();
            self.log_view().append(rows);
            self.toast(&reason);
            return;
        }
        let statements: Vec<Statement> = match range {
            None => script.statements,
            Some(r) => script
                .statements
                .into_iter()
                .filter(|s| overlaps(s, r))
                .collect(),
        };
        if statements.is_empty() {
            self.toast(&if range.is_none() {
                gettext("The script is empty: type an APDU such as 00 A4 04 00 00, or insert one from the Insert menu")
            } else {
                gettext("Nothing to run on these lines")
            });
            return;
        }
        self.start_run(statements, stepping);
    }

    pub(crate) fn start_run(&self, statements: Vec<Statement>, stepping: bool) {
        let panel = self.reader_panel();
        let reader = panel
            .selected_reader()
            .unwrap_or_else(|| card::DEMO_READER.to_owned());
        if panel.connected_reader().as_deref() != Some(reader.as_str()) {
            self.connect_selected();
        }
        self.imp().stepping.set(stepping);
        if !stepping {
            self.log_view().append(vec![self.run_row(&reader)]);
            self.editor().clear_status_words();
        }
        self.log_view().begin_run();
        self.set_running(true);
        self.send(Request::Run {
            statements,
            options: self.options(),
        });
    }

    /// The row that opens a run: the script, reader, protocol and whether
    /// GET RESPONSE is automatic.
    fn run_row(&self, reader: &str) -> LogEntry {
        let script = self
            .file()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| gettext("Untitled Script"));
        let template = if self.options().auto_get_response {
            gettext("{script} on {reader} ({protocol}), automatic GET RESPONSE on")
        } else {
            gettext("{script} on {reader} ({protocol}), automatic GET RESPONSE off")
        };
        let text = gettext_f(
            &template,
            &[
                ("script", &script),
                ("reader", &card::reader_display_name(reader)),
                ("protocol", self.reader_panel().protocol().label()),
            ],
        );
        LogEntry::message(EntryKind::Run, Time::now(), 0, text)
    }

    /// Run the statement at (or after) the cursor, then move to the next one.
    pub fn step(&self) {
        if self.is_running() {
            return;
        }
        let editor = self.editor();
        let line = editor.cursor_line();
        let script = editor.script();
        let mut it = script
            .statements
            .iter()
            .skip_while(|s| s.span.end.line.max(s.span.start.line) < line);
        let Some(current) = it.next().cloned() else {
            self.toast(&gettext("No statement after the cursor"));
            return;
        };
        let next_line = it.next().map(|s| s.span.start.line);
        let range = (
            current.span.start.line,
            current.span.end.line.max(current.span.start.line),
        );
        if script
            .errors
            .iter()
            .any(|e| e.pos.line >= range.0 && e.pos.line <= range.1)
        {
            self.run_range(Some(range), true);
            return;
        }
        self.start_run(vec![current], true);
        match next_line {
            Some(l) => editor.move_cursor_to_line(l),
            None => editor.move_cursor_to_line(range.1 + 1),
        }
    }

    /// Show (or hide) the command a card is slow to answer, with how long
    /// it has waited; hidden by itself when no news comes.
    fn show_busy(&self, f: Option<&crate::worker::InFlight>) {
        let imp = self.imp();
        if let Some(id) = imp.busy_timeout.take() {
            id.remove();
        }
        let Some(f) = f else {
            if imp.busy_bar.reveals_child() {
                imp.busy_bar.set_reveal_child(false);
                imp.busy_spinner.stop();
            }
            return;
        };
        let seconds = format!("{:.1}", f.since.elapsed().as_secs_f64());
        let text = if f.command.is_empty() {
            gettext_f(
                &gettext("Waiting {seconds} s for the card in {reader} to reset"),
                &[("seconds", &seconds), ("reader", &f.reader)],
            )
        } else {
            gettext_f(
                &gettext("Waiting {seconds} s for the card in {reader} to answer {command}"),
                &[
                    ("seconds", &seconds),
                    ("reader", &f.reader),
                    ("command", &crate::apdu::hex_spaced(&f.command)),
                ],
            )
        };
        imp.busy_label.set_label(&text);
        imp.busy_bar.set_reveal_child(true);
        imp.busy_spinner.start();
        let weak = self.downgrade();
        let id = glib::timeout_add_local_once(crate::worker::BUSY_EVERY * 3, move || {
            if let Some(w) = weak.upgrade() {
                w.imp().busy_timeout.take();
                w.show_busy(None);
            }
        });
        imp.busy_timeout.replace(Some(id));
    }

    /// The slow command shown, if any (for tests).
    pub fn busy_text(&self) -> Option<String> {
        let imp = self.imp();
        imp.busy_bar
            .reveals_child()
            .then(|| imp.busy_label.label().to_string())
    }

    /// The monitor says the connected card has left (or its reader has):
    /// the panel forgets the connection at once, and the log says so.
    fn card_gone(&self, readers: &[card::ReaderInfo]) -> Option<LogEntry> {
        let panel = self.reader_panel();
        let reader = panel.connected_reader()?;
        if reader == card::DEMO_READER || readers.iter().any(|r| r.name == reader && r.card_present)
        {
            return None;
        }
        panel.set_connected(None);
        self.send(Request::Disconnect {
            disposition: card::Disposition::Leave,
        });
        let text = gettext_f(
            &gettext("The card was removed from {reader}"),
            &[("reader", &reader)],
        );
        Some(LogEntry::message(EntryKind::Warning, Time::now(), 0, text))
    }

    fn error_row(&self, time: Time, message: &str, hint: Option<&str>) -> LogEntry {
        let text = match hint {
            Some(h) => gettext_f(
                // TRANSLATORS: {error} is a problem, e.g. "No card in the
                // reader"; {hint} what to do, e.g. "Insert a card into the reader".
                &gettext("{error} ({hint})"),
                &[("error", message), ("hint", h)],
            ),
            None => message.to_owned(),
        };
        LogEntry::message(EntryKind::Error, time, 0, text)
    }

    pub(crate) fn handle_events(&self, events: Vec<Event>) {
        let time = Time::now();
        let mut rows: Vec<LogEntry> = Vec::new();
        let panel = self.reader_panel();
        for ev in events {
            // Any news but a slow command's means it is no longer waiting.
            self.show_busy(None);
            match ev {
                Event::Readers(list) => {
                    self.imp().pcsc_problem.replace(None);
                    if let Some(row) = self.card_gone(&list) {
                        rows.push(row);
                    }
                    panel.set_readers(list);
                }
                Event::PcscUnavailable(e) => {
                    let names: Vec<_> = panel
                        .readers()
                        .into_iter()
                        .filter(|r| r.name == card::DEMO_READER)
                        .collect();
                    if let Some(row) = self.card_gone(&names) {
                        rows.push(row);
                    }
                    panel.set_readers(names);
                    let msg = e.message();
                    if self.imp().pcsc_problem.borrow().as_deref() != Some(msg.as_str()) {
                        self.imp().pcsc_problem.replace(Some(msg.clone()));
                        self.toast_problem(&msg, e.hint().as_deref());
                    }
                }
                Event::Connected {
                    reader,
                    atr,
                    protocol,
                    share,
                } => {
                    panel.set_connected(Some(Connection {
                        reader: reader.clone(),
                        atr: atr.clone(),
                        protocol,
                        share,
                    }));
                    let text = gettext_f(
                        // TRANSLATORS: {reader} is a reader name; {protocol} is T=0 or T=1.
                        &gettext("Connected to {reader} ({protocol})"),
                        &[
                            ("reader", &card::reader_display_name(&reader)),
                            ("protocol", protocol.label()),
                        ],
                    );
                    rows.push(LogEntry {
                        response: atr,
                        ..LogEntry::message(EntryKind::Reset, time, 0, text)
                    });
                }
                Event::Disconnected => {
                    if panel.connected_reader().is_some() {
                        rows.push(LogEntry::message(
                            EntryKind::Info,
                            time,
                            0,
                            pgettext("card connection", "Disconnected"),
                        ));
                    }
                    panel.set_connected(None);
                }
                Event::ResetDone {
                    cold,
                    result: Ok(atr),
                } => {
                    if let Some(c) = panel.connection() {
                        panel.set_connected(Some(Connection {
                            atr: atr.clone(),
                            ..c
                        }));
                    }
                    rows.push(LogEntry {
                        response: atr,
                        ..LogEntry::message(EntryKind::Reset, time, 0, reset_label(cold))
                    });
                }
                Event::ResetDone { result: Err(e), .. } => {
                    let msg = gettext_f(
                        &gettext("Reset failed: {error}"),
                        &[("error", &e.message())],
                    );
                    rows.push(self.error_row(time, &msg, e.hint().as_deref()));
                    self.toast(&msg);
                }
                Event::RunStarted => {}
                Event::Busy(f) => {
                    self.show_busy(Some(&f));
                    continue;
                }
                Event::Abandoned(f) => {
                    let msg = if f.command.is_empty() {
                        gettext_f(
                            &gettext("The card in {reader} did not answer the reset: its connection was given up"),
                            &[("reader", &f.reader)],
                        )
                    } else {
                        gettext_f(
                            &gettext("The card in {reader} did not answer {command}: its connection was given up"),
                            &[
                                ("reader", &f.reader),
                                ("command", &crate::apdu::hex_spaced(&f.command)),
                            ],
                        )
                    };
                    rows.push(self.error_row(time, &msg, None));
                    self.toast(&msg);
                    panel.set_connected(None);
                    panel.set_not_responding(&f.reader);
                    self.set_running(false);
                }
                Event::Exchanges(list) => {
                    self.log_view().tally(&list);
                    let words: Vec<(usize, (u8, u8))> = list
                        .iter()
                        .filter_map(|e| match e {
                            crate::engine::EngineEvent::Exchange(x) => {
                                crate::apdu::status_word(&x.response).map(|sw| (x.line, sw))
                            }
                            _ => None,
                        })
                        .collect();
                    self.editor().show_status_words(&words);
                    for e in &list {
                        LogEntry::push_event(&mut rows, time, e);
                    }
                }
                Event::RunFinished(summary) => {
                    if !self.imp().stepping.get() {
                        rows.push(LogEntry::summary(
                            time,
                            &summary,
                            &self.log_view().sw_tally(),
                        ));
                    }
                    self.set_running(false);
                }
                Event::Error {
                    error,
                    message,
                    hint,
                } => {
                    // A failed connect already said why a run had no card.
                    let repeat = error == CardError::NotConnected
                        && rows.last().is_some_and(|r| r.kind == EntryKind::Error);
                    if !repeat {
                        rows.push(self.error_row(time, &message, hint.as_deref()));
                        self.toast_problem(&message, hint.as_deref());
                    }
                }
            }
        }
        self.log_view().append(rows);
    }
}
