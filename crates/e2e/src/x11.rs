//! The X screen as a person and a window manager act on it: the tray's
//! icons, the windows that are shown, a click somewhere, and the close
//! request a window manager sends when the title bar's × is clicked.

use std::ffi::CString;
use std::process::Command;

use x11_dl::xlib;

/// A window's place on the screen and whether it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub viewable: bool,
}

impl Geometry {
    pub fn centre(&self) -> (i32, i32) {
        (self.x + self.width as i32 / 2, self.y + self.height as i32 / 2)
    }
}

/// A connection to one X display, closed when dropped.
pub struct Screen {
    xlib: xlib::Xlib,
    display: *mut xlib::Display,
    name: String,
}

impl Screen {
    pub fn open(display: &str) -> Screen {
        let xlib = xlib::Xlib::open().expect("libX11 is installed");
        let name = CString::new(display).expect("a display name");
        // SAFETY: the name lives until the call returns.
        let handle = unsafe { (xlib.XOpenDisplay)(name.as_ptr()) };
        assert!(!handle.is_null(), "cannot open the X display {display}");
        Screen { xlib, display: handle, name: display.to_string() }
    }

    fn atom(&self, name: &str) -> xlib::Atom {
        let name = CString::new(name).expect("an atom name");
        // SAFETY: display is open; the name lives until the call returns.
        unsafe { (self.xlib.XInternAtom)(self.display, name.as_ptr(), 0) }
    }

    /// Where `window` is, in root coordinates, and whether it is shown.
    pub fn geometry(&self, window: xlib::Window) -> Option<Geometry> {
        // SAFETY: display is open; the attributes are written by Xlib.
        unsafe {
            let mut attributes: xlib::XWindowAttributes = std::mem::zeroed();
            if (self.xlib.XGetWindowAttributes)(self.display, window, &mut attributes) == 0 {
                return None;
            }
            let root = (self.xlib.XDefaultRootWindow)(self.display);
            let (mut x, mut y, mut child) = (0, 0, 0);
            (self.xlib.XTranslateCoordinates)(self.display, window, root, 0, 0, &mut x, &mut y, &mut child);
            Some(Geometry {
                x,
                y,
                width: attributes.width as u32,
                height: attributes.height as u32,
                viewable: attributes.map_state == xlib::IsViewable,
            })
        }
    }

    /// The windows directly under the root, bottom to top.
    pub fn top_level_windows(&self) -> Vec<xlib::Window> {
        // SAFETY: display is open; the children list is freed after copying.
        unsafe {
            let root = (self.xlib.XDefaultRootWindow)(self.display);
            self.children(root)
        }
    }

    unsafe fn children(&self, window: xlib::Window) -> Vec<xlib::Window> {
        let (mut root, mut parent) = (0, 0);
        let mut list: *mut xlib::Window = std::ptr::null_mut();
        let mut count = 0;
        if (self.xlib.XQueryTree)(self.display, window, &mut root, &mut parent, &mut list, &mut count) == 0 {
            return Vec::new();
        }
        let found = if list.is_null() { Vec::new() } else { std::slice::from_raw_parts(list, count as usize).to_vec() };
        if !list.is_null() {
            (self.xlib.XFree)(list.cast());
        }
        found
    }

    /// Every window below `window`, depth first.
    pub fn descendants(&self, window: xlib::Window) -> Vec<xlib::Window> {
        let mut found = Vec::new();
        // SAFETY: display is open.
        let mut stack = unsafe { self.children(window) };
        while let Some(next) = stack.pop() {
            found.push(next);
            // SAFETY: as above.
            stack.extend(unsafe { self.children(next) });
        }
        found
    }

    /// The owner of the freedesktop system tray's selection: the tray.
    pub fn system_tray(&self) -> Option<xlib::Window> {
        let atom = self.atom("_NET_SYSTEM_TRAY_S0");
        // SAFETY: display is open.
        let owner = unsafe { (self.xlib.XGetSelectionOwner)(self.display, atom) };
        (owner != 0).then_some(owner)
    }

    /// The windows whose WM_CLASS names `class`.
    pub fn windows_of_class(&self, class: &str) -> Vec<xlib::Window> {
        // SAFETY: display is open.
        let root = unsafe { (self.xlib.XDefaultRootWindow)(self.display) };
        self.descendants(root).into_iter().filter(|w| self.class_of(*w).iter().any(|c| c == class)).collect()
    }

    fn class_of(&self, window: xlib::Window) -> Vec<String> {
        // SAFETY: display is open; the hint's strings are freed after copying.
        unsafe {
            let mut hint: xlib::XClassHint = std::mem::zeroed();
            if (self.xlib.XGetClassHint)(self.display, window, &mut hint) == 0 {
                return Vec::new();
            }
            let mut names = Vec::new();
            for part in [hint.res_name, hint.res_class] {
                if !part.is_null() {
                    names.push(std::ffi::CStr::from_ptr(part).to_string_lossy().into_owned());
                    (self.xlib.XFree)(part.cast());
                }
            }
            names
        }
    }

    /// What a window manager sends when the title bar's × is clicked:
    /// WM_PROTOCOLS / WM_DELETE_WINDOW, which the app may refuse.
    pub fn request_close(&self, window: xlib::Window) {
        let protocols = self.atom("WM_PROTOCOLS");
        let delete = self.atom("WM_DELETE_WINDOW");
        // SAFETY: display is open; the event is fully initialised.
        unsafe {
            let mut event: xlib::XClientMessageEvent = std::mem::zeroed();
            event.type_ = xlib::ClientMessage;
            event.window = window;
            event.message_type = protocols;
            event.format = 32;
            event.data.set_long(0, delete as i64);
            event.data.set_long(1, xlib::CurrentTime as i64);
            let mut event = xlib::XEvent { client_message: event };
            (self.xlib.XSendEvent)(self.display, window, 0, xlib::NoEventMask, &mut event);
            (self.xlib.XFlush)(self.display);
        }
    }

    /// Puts a window above the others.
    pub fn raise(&self, window: xlib::Window) {
        // SAFETY: display is open.
        unsafe {
            (self.xlib.XRaiseWindow)(self.display, window);
            (self.xlib.XFlush)(self.display);
        }
    }

    /// A left click at a point of the screen (xdotool, as a person's mouse).
    pub fn click_at(&self, at: (i32, i32)) {
        self.click_with(at, 1);
    }

    /// A right click, which opens an XEmbed tray icon's menu.
    pub fn right_click_at(&self, at: (i32, i32)) {
        self.click_with(at, 3);
    }

    fn click_with(&self, (x, y): (i32, i32), button: u8) {
        let status = Command::new("xdotool")
            .env("DISPLAY", &self.name)
            .args(["mousemove", &x.to_string(), &y.to_string(), "click", &button.to_string()])
            .status()
            .expect("xdotool runs");
        assert!(status.success(), "xdotool clicks at {x},{y}");
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        // SAFETY: the display was opened by `open` and is closed once.
        unsafe { (self.xlib.XCloseDisplay)(self.display) };
    }
}
