//! `ApduScriptorSwGutter`: a gutter column of the editor that shows the
//! status word each line got in the last run as a coloured dot (success,
//! warning, error). Only the lines on screen are drawn, so a run of 10 000
//! lines costs a map update, not 10 000 text marks.

use std::cell::RefCell;
use std::collections::HashMap;

use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, glib, graphene, gsk};
use sourceview5::subclass::prelude::*;

/// Badge colours: GNOME's palette green 4, yellow 5, red 3.
const COLOURS: [(f32, f32, f32); 3] = [
    (
        0x2e as f32 / 255.0,
        0xc2 as f32 / 255.0,
        0x7e as f32 / 255.0,
    ),
    (
        0xe5 as f32 / 255.0,
        0xa5 as f32 / 255.0,
        0x0a as f32 / 255.0,
    ),
    (
        0xe0 as f32 / 255.0,
        0x1b as f32 / 255.0,
        0x24 as f32 / 255.0,
    ),
];
const SIZE: i32 = 10;
const PAD: i32 = 3;

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct SwGutter {
        /// 0-based line → class (0 success, 1 warning, 2 error).
        pub lines: RefCell<HashMap<u32, u8>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for SwGutter {
        const NAME: &'static str = "ApduScriptorSwGutter";
        type Type = super::SwGutter;
        type ParentType = sourceview5::GutterRenderer;
    }

    impl ObjectImpl for SwGutter {}

    impl WidgetImpl for SwGutter {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            match orientation {
                gtk::Orientation::Horizontal => (SIZE + 2 * PAD, SIZE + 2 * PAD, -1, -1),
                _ => (0, 0, -1, -1),
            }
        }
    }

    impl GutterRendererImpl for SwGutter {
        fn snapshot_line(
            &self,
            snapshot: &gtk::Snapshot,
            lines: &sourceview5::GutterLines,
            line: u32,
        ) {
            let Some(&class) = self.lines.borrow().get(&line) else {
                return;
            };
            let (y, height) =
                lines.line_yrange(line, sourceview5::GutterRendererAlignmentMode::First);
            let (r, g, b) = COLOURS[usize::from(class.min(2))];
            let top = y as f32 + (height - SIZE).max(0) as f32 / 2.0;
            let rect = graphene::Rect::new(PAD as f32, top, SIZE as f32, SIZE as f32);
            let corner = graphene::Size::new(SIZE as f32 / 2.0, SIZE as f32 / 2.0);
            snapshot
                .push_rounded_clip(&gsk::RoundedRect::new(rect, corner, corner, corner, corner));
            snapshot.append_color(&gdk::RGBA::new(r, g, b, 1.0), &rect);
            snapshot.pop();
        }
    }
}

glib::wrapper! {
    pub struct SwGutter(ObjectSubclass<imp::SwGutter>)
        @extends sourceview5::GutterRenderer, gtk::Widget,
        @implements gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for SwGutter {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl SwGutter {
    /// Show `class` (0 success, 1 warning, 2 error) beside 1-based lines.
    pub fn set(&self, words: impl IntoIterator<Item = (usize, u8)>) {
        let mut lines = self.imp().lines.borrow_mut();
        for (line, class) in words {
            if line > 0 {
                lines.insert((line - 1) as u32, class);
            }
        }
        drop(lines);
        self.queue_draw();
    }

    pub fn clear(&self) {
        if !self.imp().lines.borrow().is_empty() {
            self.imp().lines.borrow_mut().clear();
            self.queue_draw();
        }
    }
}
