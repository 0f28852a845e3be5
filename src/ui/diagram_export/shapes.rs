//! Each mark's shape for an exported diagram, as SVG text: the page draws them with
//! components (`diagram_items.rs`), an exported file with these definitions.

/// Each mark's shape, centred on (0, 0), defined once and drawn with `<use>`.
pub(super) const SHAPES: [(&str, &str); 45] = [
    (
        "rr",
        r##"<rect id="rr" x="-3" y="-3" width="6" height="6" fill="#fff" stroke="#0072b2" stroke-width="1.4"/>"##,
    ),
    (
        "pa",
        r##"<path id="pa" d="M-2.5,-5V5M2.5,-5V5" stroke="#a86f00" stroke-width="2"/>"##,
    ),
    (
        "tb",
        r##"<path id="tb" d="M2,-6H-2V6H2" fill="none" stroke="#56b4e9" stroke-width="1.6"/>"##,
    ),
    (
        "pc",
        r##"<g id="pc"><circle r="5.5" fill="#fff" stroke="#a86f00" stroke-width="1.6"/><path d="M0,-5.5A5.5,5.5 0 0,1 0,5.5Z" fill="#a86f00"/></g>"##,
    ),
    (
        "tc",
        r##"<g id="tc"><rect x="-5" y="-6" width="10" height="12" fill="#007a58"/><path d="M-2.5,0L-0.5,2.5L3,-2.5" fill="none" stroke="#fff" stroke-width="1.6"/></g>"##,
    ),
    (
        "ta",
        r##"<g id="ta" stroke="#c2185b" stroke-width="1.6"><rect x="-5" y="-6" width="10" height="12" fill="#fff"/><path d="M-3,-3L3,3M3,-3L-3,3"/></g>"##,
    ),
    (
        "fe",
        r##"<g id="fe" stroke="#c2185b" stroke-width="1.6" fill="none"><path d="M-5,-6H5V1L0,6L-5,1Z"/><path d="M-6,5L6,-5"/></g>"##,
    ),
    (
        "cp",
        r##"<rect id="cp" x="-1.5" y="-8" width="3" height="16" fill="#fff" stroke="#0072b2" stroke-width="1.4"/>"##,
    ),
    (
        "cd",
        r##"<rect id="cd" x="-2" y="-8" width="4" height="16" fill="#0072b2"/>"##,
    ),
    (
        "rs",
        r##"<g id="rs" stroke="#6a3d9a" stroke-width="1.6" fill="none"><circle r="5.5"/><path d="M-2,-2.5H-5V-5.5"/></g>"##,
    ),
    ("rv", r##"<circle id="rv" r="3" fill="#56b4e9"/>"##),
    (
        "st",
        r##"<rect id="st" x="-1.5" y="-7" width="3" height="14" fill="#4d535c"/>"##,
    ),
    ("ok", r##"<circle id="ok" r="4.5" fill="#007a58"/>"##),
    ("fa", r##"<circle id="fa" r="4.5" fill="#b34f00"/>"##),
    (
        "un",
        r##"<circle id="un" r="4" fill="#fff" stroke="#8a6100" stroke-width="2"/>"##,
    ),
    (
        "to",
        r##"<g id="to" stroke="#8a6100" stroke-width="1.6"><circle r="5.5" fill="#fff"/><path d="M0,-3.5V0l2.5,1.5" fill="none"/></g>"##,
    ),
    (
        "re",
        r##"<path id="re" d="M0,-5L5,0L0,5L-5,0Z" fill="#0072b2"/>"##,
    ),
    (
        "cr",
        r##"<path id="cr" d="M2,-9L-5,1H0L-2,9L5,-1H0Z" fill="#b34f00"/>"##,
    ),
    (
        "up",
        r##"<path id="up" d="M0,-6L6,5H-6Z" fill="#007a58"/>"##,
    ),
    (
        "kc",
        r##"<circle id="kc" r="3.5" fill="#fff" stroke="#8a3f9e" stroke-width="1.6"/>"##,
    ),
    ("ks", r##"<circle id="ks" r="3.5" fill="#8a3f9e"/>"##),
    (
        "kr",
        r##"<path id="kr" d="M-3,-3L3,3M3,-3L-3,3" stroke="#8a3f9e" stroke-width="1.6"/>"##,
    ),
    (
        "rd",
        r##"<rect id="rd" x="-3" y="-3" width="6" height="6" fill="#fff" stroke="#0072b2" stroke-width="1.4"/>"##,
    ),
    (
        "wr",
        r##"<rect id="wr" x="-3.5" y="-3.5" width="7" height="7" fill="#0072b2"/>"##,
    ),
    (
        "cf",
        r##"<g id="cf" stroke="#b34f00" stroke-width="1.6"><circle r="5" fill="#fff"/><path d="M-3.5,3.5L3.5,-3.5"/></g>"##,
    ),
    (
        "ch",
        r##"<g id="ch"><circle r="7" fill="#a86f00"/><text y="4" fill="#fff" font-size="11" font-weight="800" text-anchor="middle">$</text></g>"##,
    ),
    (
        "dd",
        r##"<g id="dd" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,-1.5H3M-3,1.5H3"/></g>"##,
    ),
    (
        "rf",
        r##"<g id="rf" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,0H3"/></g>"##,
    ),
    (
        "em",
        r##"<g id="em"><rect x="-6" y="-4.5" width="12" height="9" fill="#b8508c"/><path d="M-6,-4.5L0,.5L6,-4.5" fill="none" stroke="#fff" stroke-width="1.6"/></g>"##,
    ),
    // The events workload's (src/ui/diagram_items.rs draws the same shapes).
    (
        "pi",
        r##"<g id="pi"><path d="M-6,-4H2L6,0L2,4H-6Z" fill="#fff" stroke="#0072b2" stroke-width="1.6"/></g>"##,
    ),
    (
        "ap",
        r##"<g id="ap"><rect x="-5.5" y="-4.5" width="11" height="9" rx="1" fill="#5b4bb7"/><path d="M-2.5,0H2.5M0,-2.5V2.5" stroke="#fff" stroke-width="1.6"/></g>"##,
    ),
    (
        "rb",
        r##"<path id="rb" d="M5.5,1A5.5,5.5 0 1,1 3,-4.6M-.2,-6.8L3.4,-4.4L1.2,-.8" fill="none" stroke="#8a6100" stroke-width="2"/>"##,
    ),
    (
        "as",
        r##"<g id="as"><path d="M-3.5,7V-7" stroke="#5b4bb7" stroke-width="1.6"/><path d="M-3.5,-7L5,-4L-3.5,-1Z" fill="#5b4bb7"/></g>"##,
    ),
    (
        "rm",
        r##"<g id="rm" stroke="#b34f00" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3.5,0H3.5"/></g>"##,
    ),
    (
        "oc",
        r##"<path id="oc" d="M-4,-6H4V6L0,2.5L-4,6Z" fill="#007a58"/>"##,
    ),
    (
        "ox",
        r##"<g id="ox" stroke="#b34f00" stroke-width="1.6"><path d="M-4,-6H4V6L0,2.5L-4,6Z" fill="#fff"/><path d="M-6,5L6,-5"/></g>"##,
    ),
    (
        "vx",
        r##"<path id="vx" d="M-4.5,-6H4.5L0,0L4.5,6H-4.5L0,0Z" fill="#fff" stroke="#8a6100" stroke-width="1.6"/>"##,
    ),
    (
        "dl",
        r##"<g id="dl" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,0L-1,2.5L3,-2.5" fill="none"/></g>"##,
    ),
    (
        "dx",
        r##"<g id="dx" stroke="#b34f00" stroke-width="1.6"><circle r="5" fill="#fff"/><path d="M-3.5,3.5L3.5,-3.5"/></g>"##,
    ),
    (
        "dq",
        r##"<g id="dq" stroke="#b34f00" stroke-width="1.6"><rect x="-5.5" y="-5.5" width="11" height="11" fill="#fff"/><path d="M-3,-3L3,3M3,-3L-3,3"/></g>"##,
    ),
    (
        "ic",
        r##"<circle id="ic" r="3.5" fill="#fff" stroke="#8a3f9e" stroke-width="1.6"/>"##,
    ),
    (
        "is",
        r##"<g id="is" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,-1.5H3M-3,1.5H3"/></g>"##,
    ),
    ("ir", r##"<circle id="ir" r="3.5" fill="#8a3f9e"/>"##),
    (
        "sh",
        r##"<g id="sh"><rect x="-6" y="-5" width="12" height="10" fill="#a86f00"/><path d="M0,-5V5M-6,-1H6" stroke="#fff" stroke-width="1.6"/></g>"##,
    ),
    (
        "sd",
        r##"<g id="sd" stroke="#007a58" stroke-width="1.6"><rect x="-6" y="-5" width="12" height="10" fill="#fff"/><path d="M-3,-1.5H3M-3,1.5H3"/></g>"##,
    ),
];
