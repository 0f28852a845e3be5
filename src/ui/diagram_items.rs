//! One arrow or one mark of the diagram, each a component with its own props. Coordinates
//! are absolute (time × scale), and the diagram scrolls by translating their group, so
//! moving the time cursor re-renders only the items whose state actually changed.

use yew::prelude::*;

use crate::sim::trace::MessageKind;

use super::timeline::{Arrow, ArrowEnd, Mark, MarkKind};

/// What the pointer is over: a message, or a mark (by trace event id).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hovered {
    Arrow(Arrow),
    Mark(u32),
}

/// Vertical placement of lanes, shared by every item.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LaneGeometry {
    pub top: f64,
    pub lane_height: f64,
    /// Pixels per microsecond.
    pub scale: f64,
    /// Size of marks, arrowheads and status labels relative to the smallest lanes.
    pub mark_scale: f64,
}

impl LaneGeometry {
    pub fn x(&self, time_us: u64) -> f64 {
        time_us as f64 * self.scale
    }

    pub fn y(&self, lane: u16) -> f64 {
        self.top + (lane as f64 + 0.5) * self.lane_height
    }
}

/// CSS class of a message: its kind, and for responses its status.
pub fn arrow_class(arrow: &Arrow) -> &'static str {
    match arrow.kind {
        MessageKind::Request | MessageKind::Forward | MessageKind::ReadBack => "msg-request",
        MessageKind::Response if arrow.replayed => "msg-replayed",
        MessageKind::Response if (200..300).contains(&arrow.status) => "msg-ok",
        MessageKind::Response => "msg-error",
        MessageKind::ChargeCall | MessageKind::ChargeReply => "msg-charge",
        MessageKind::EmailCall | MessageKind::EmailReply => "msg-email",
        MessageKind::Publish => "msg-publish",
        MessageKind::PublishAck => "msg-ack",
        MessageKind::Record => "msg-record",
        MessageKind::OffsetCommit => "msg-commit",
        MessageKind::Delete => "msg-delete",
        MessageKind::Heartbeat => "msg-heartbeat",
        MessageKind::ShipCall | MessageKind::ShipReply => "msg-ship",
        MessageKind::Reserve
        | MessageKind::ReserveReply
        | MessageKind::Release
        | MessageKind::ReleaseReply => "msg-stock",
        MessageKind::Refund | MessageKind::RefundReply => "msg-refund",
    }
}

fn coordinate(value: f64) -> String {
    format!("{value:.1}")
}

/// Path data of a straight line, with an open arrowhead of `head` times the base size at
/// its end (none if `head` is zero).
fn line_path(from: (f64, f64), to: (f64, f64), head: f64) -> String {
    const HEAD_LENGTH: f64 = 7.0;
    const HEAD_HALF_WIDTH: f64 = 3.5;
    let mut d = format!("M{:.1},{:.1}L{:.1},{:.1}", from.0, from.1, to.0, to.1);
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt();
    if head > 0.0 && length > 1.0 {
        let (ux, uy) = (dx / length, dy / length);
        let (back_by, half_width) = (HEAD_LENGTH * head, HEAD_HALF_WIDTH * head);
        let back = (to.0 - ux * back_by, to.1 - uy * back_by);
        let (px, py) = (-uy * half_width, ux * half_width);
        d.push_str(&format!(
            "M{:.1},{:.1}L{:.1},{:.1}L{:.1},{:.1}",
            back.0 + px,
            back.1 + py,
            to.0,
            to.1,
            back.0 - px,
            back.1 - py
        ));
    }
    d
}

#[derive(Properties, PartialEq)]
pub struct ArrowViewProps {
    pub arrow: Arrow,
    pub geometry: LaneGeometry,
    /// Not sent yet at the cursor.
    pub future: bool,
    /// Sent but not arrived: the playhead time, to draw the part travelled so far.
    pub in_flight_at: Option<u64>,
    pub chain: bool,
    /// The event at the cursor sends or ends this message.
    pub current: bool,
    pub on_hover: Callback<Option<Hovered>>,
    pub on_seek: Callback<usize>,
}

#[component(ArrowView)]
pub fn arrow_view(props: &ArrowViewProps) -> Html {
    let arrow = props.arrow;
    let g = props.geometry;
    let (x1, y1) = (g.x(arrow.start_us), g.y(arrow.from_lane));
    let (x2, y2) = (g.x(arrow.end_us), g.y(arrow.to_lane));
    let lost = matches!(arrow.end, ArrowEnd::Lost(_));
    let arrived = !props.future && props.in_flight_at.is_none();
    let class = classes!(
        "arrow",
        arrow_class(&arrow),
        arrow.duplicate.then_some("duplicate"),
        lost.then_some("lost"),
        props.chain.then_some("chain"),
        props.future.then_some("future"),
        props.current.then_some("current"),
    );
    let k = g.mark_scale;
    let head = if !lost && arrived { k } else { 0.0 };
    let enter = {
        let on_hover = props.on_hover.clone();
        Callback::from(move |_: MouseEvent| on_hover.emit(Some(Hovered::Arrow(arrow))))
    };
    let leave = {
        let on_hover = props.on_hover.clone();
        Callback::from(move |_: MouseEvent| on_hover.emit(None))
    };
    let target = arrow.end_event.unwrap_or(arrow.start_event) as usize + 1;
    let click = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |_: MouseEvent| on_seek.emit(target))
    };
    let status = (arrow.kind == MessageKind::Response
        && arrow.status > 0
        && !(200..300).contains(&arrow.status))
    .then(|| arrow.status.to_string());
    // One path per line: the shaft, and for delivered messages an open arrowhead.
    let path = |class: &'static str, dy: f64, tip: (f64, f64), head: f64| {
        html! { <path class={class} d={line_path((x1, y1 + dy), (tip.0, tip.1 + dy), head)} /> }
    };
    let body = if let Some(now) = props.in_flight_at {
        let span = (arrow.end_us - arrow.start_us).max(1) as f64;
        let done = (now.saturating_sub(arrow.start_us) as f64 / span).clamp(0.0, 1.0);
        let tip = (x1 + (x2 - x1) * done, y1 + (y2 - y1) * done);
        html! { <>{ path("shaft faint", 0.0, (x2, y2), 0.0) }{ path("shaft", 0.0, tip, 0.0) }</> }
    } else if arrow.duplicate {
        html! { <>{ path("shaft", -1.6 * k, (x2, y2), head) }{ path("shaft", 1.6 * k, (x2, y2), 0.0) }</> }
    } else {
        path("shaft", 0.0, (x2, y2), head)
    };
    html! {
        <g {class} onmouseenter={enter} onmouseleave={leave} onclick={click}>
            { path("hit", 0.0, (x2, y2), 0.0) }
            { body }
            if lost && arrived {
                <path class="lost-x" d={format!("M{:.1},{:.1} l{s:.1},{s:.1} m0,-{s:.1} l-{s:.1},{s:.1}", x2 - 4.0 * k, y2 - 4.0 * k, s = 8.0 * k)} />
            }
            if matches!(arrow.end, ArrowEnd::Late) && arrived {
                <circle class="late-end" cx={coordinate(x2)} cy={coordinate(y2)} r={coordinate(4.0 * k)} />
            }
            if let (Some(status), true) = (status, arrived) {
                <text class="status-label" x={coordinate(x2 + 5.0 * k)} y={coordinate(y2 - 5.0 * k)}>{ status }</text>
            }
        </g>
    }
}

/// The shape of a mark, centred on (0, 0).
pub fn mark_shape(kind: MarkKind) -> Html {
    match kind {
        MarkKind::Crash => html! { <path d="M2,-9 L-5,1 L0,1 L-2,9 L5,-1 L0,-1 Z" /> },
        MarkKind::Restart => html! { <path d="M0,-6 L6,5 L-6,5 Z" /> },
        MarkKind::Timeout | MarkKind::ExternalTimeout => html! {
            <><circle r="5.5" class="ring" /><path class="hand" d="M0,-3.5 L0,0 L2.5,1.5" /></>
        },
        MarkKind::Retry => html! { <path d="M0,-5 L5,0 L0,5 L-5,0 Z" /> },
        MarkKind::OpStart => html! { <rect x="-1.5" y="-7" width="3" height="14" /> },
        MarkKind::OpEnd(_) => html! { <rect x="-4.5" y="-4.5" width="9" height="9" rx="4.5" /> },
        MarkKind::Charge => {
            html! { <><circle r="7" /><text class="glyph" y="0.5">{ "$" }</text></> }
        }
        MarkKind::Deduplicated => html! {
            <><circle r="6" class="ring" /><path class="hand" d="M-3,-1.5 L3,-1.5 M-3,1.5 L3,1.5" /></>
        },
        MarkKind::Refund => {
            html! { <><circle r="6" class="ring" /><path class="hand" d="M-3,0 L3,0" /></> }
        }
        MarkKind::EmailSent => html! {
            <><rect x="-6" y="-4.5" width="12" height="9" /><path class="hand" d="M-6,-4.5 L0,0.5 L6,-4.5" /></>
        },
        MarkKind::DbWrite | MarkKind::OutboxWrite => {
            html! { <rect x="-3.5" y="-3.5" width="7" height="7" /> }
        }
        MarkKind::DbRead => html! { <rect x="-3" y="-3" width="6" height="6" /> },
        // A "no entry" sign: the conditional write was refused.
        MarkKind::CasConflict => {
            html! { <><circle r="5" class="ring" /><path class="hand" d="M-3.5,3.5 L3.5,-3.5" /></> }
        }
        MarkKind::KeyCheck => html! { <circle r="3.5" class="ring" /> },
        MarkKind::KeySave => html! { <circle r="3.5" /> },
        MarkKind::KeyRelease => html! { <path class="hand" d="M-3,-3 L3,3 M3,-3 L-3,3" /> },
        MarkKind::DedupCheck => html! { <circle r="3.5" class="ring" /> },
        MarkKind::DedupRecord => html! { <circle r="3.5" /> },
        MarkKind::DedupSkip => html! {
            <><circle r="6" class="ring" /><path class="hand" d="M-3,-1.5 L3,-1.5 M-3,1.5 L3,1.5" /></>
        },
        // A log entry: a block with a plus.
        MarkKind::Append => html! {
            <><rect x="-5.5" y="-4.5" width="11" height="9" rx="1" /><path class="hand" d="M-2.5,0 L2.5,0 M0,-2.5 L0,2.5" /></>
        },
        // A bookmark: the group's place in the partition.
        MarkKind::OffsetCommit => html! { <path d="M-4,-6 L4,-6 L4,6 L0,2.5 L-4,6 Z" /> },
        MarkKind::CommitRefused => html! {
            <><path class="ring" d="M-4,-6 L4,-6 L4,6 L0,2.5 L-4,6 Z" /><path class="hand" d="M-6,5 L6,-5" /></>
        },
        MarkKind::Deleted => html! {
            <><circle r="6" class="ring" /><path class="hand" d="M-3,0 L-1,2.5 L3,-2.5" /></>
        },
        MarkKind::DeleteRefused => {
            html! { <><circle r="5" class="ring" /><path class="hand" d="M-3.5,3.5 L3.5,-3.5" /></> }
        }
        // A circular arrow: the partitions are dealt out again.
        MarkKind::Rebalance => html! {
            <path class="hand thick" d="M5.5,1 A5.5,5.5 0 1,1 3,-4.6 M-0.2,-6.8 L3.4,-4.4 L1.2,-0.8" />
        },
        // A flag: this consumer now owns a partition.
        MarkKind::Assigned => html! {
            <><path class="hand" d="M-3.5,7 L-3.5,-7" /><path d="M-3.5,-7 L5,-4 L-3.5,-1 Z" /></>
        },
        MarkKind::MemberRemoved => html! {
            <><circle r="6" class="ring" /><path class="hand" d="M-3.5,0 L3.5,0" /></>
        },
        // An hourglass: the visibility timeout ran out.
        MarkKind::VisibilityExpired => {
            html! { <path class="ring" d="M-4.5,-6 L4.5,-6 L0,0 L4.5,6 L-4.5,6 L0,0 Z" /> }
        }
        MarkKind::DeadLettered => html! {
            <><rect class="ring" x="-5.5" y="-5.5" width="11" height="11" /><path class="hand" d="M-3,-3 L3,3 M3,-3 L-3,3" /></>
        },
        // A parcel with its strap.
        MarkKind::Shipped => html! {
            <><rect x="-6" y="-5" width="12" height="10" /><path class="hand" d="M0,-5 L0,5 M-6,-1 L6,-1" /></>
        },
        MarkKind::ShipmentDeduplicated => html! {
            <><rect class="ring" x="-6" y="-5" width="12" height="10" /><path class="hand" d="M-3,-1.5 L3,-1.5 M-3,1.5 L3,1.5" /></>
        },
        // A name tag: a new producer id.
        MarkKind::ProducerStarted => {
            html! { <path class="ring" d="M-6,-4 L2,-4 L6,0 L2,4 L-6,4 Z" /> }
        }
        MarkKind::RecordRead => html! { <rect x="-3" y="-3" width="6" height="6" /> },
        // Two bars: paused.
        MarkKind::Pause => html! {
            <path class="hand thick" d="M-2.5,-5 L-2.5,5 M2.5,-5 L2.5,5" />
        },
        // An open bracket: a transaction begins.
        MarkKind::TxnBegin => html! { <path class="hand" d="M2,-6 L-2,-6 L-2,6 L2,6" /> },
        // A half-filled disc: pre-committed, not yet committed.
        MarkKind::PreCommit => html! {
            <><circle r="5.5" class="ring" /><path d="M0,-5.5 A5.5,5.5 0 0,1 0,5.5 Z" /></>
        },
        // A marker flag: commit (filled) or abort (crossed).
        MarkKind::TxnCommit => html! {
            <><rect x="-5" y="-6" width="10" height="12" /><path class="hand" d="M-2.5,0 L-0.5,2.5 L3,-2.5" /></>
        },
        MarkKind::TxnAbort => html! {
            <><rect class="ring" x="-5" y="-6" width="10" height="12" /><path class="hand" d="M-3,-3 L3,3 M3,-3 L-3,3" /></>
        },
        // A shield with a bar: fenced.
        MarkKind::Fenced => html! {
            <><path class="ring" d="M-5,-6 L5,-6 L5,1 L0,6 L-5,1 Z" /><path class="hand" d="M-6,5 L6,-5" /></>
        },
        // A barrier across the lane, and a filled one when the checkpoint completes.
        MarkKind::Checkpoint => {
            html! { <rect class="ring" x="-1.5" y="-8" width="3" height="16" /> }
        }
        MarkKind::CheckpointDone => html! { <rect x="-2" y="-8" width="4" height="16" /> },
        MarkKind::Restore => html! {
            <><circle r="5.5" class="ring" /><path class="hand" d="M-2,-2.5 L-5,-2.5 L-5,-5.5" /></>
        },
        MarkKind::ReaderSaw => html! { <circle r="3" /> },
    }
}

#[derive(Properties, PartialEq)]
pub struct MarkViewProps {
    pub mark: Mark,
    pub geometry: LaneGeometry,
    pub future: bool,
    pub chain: bool,
    /// This is the event at the cursor.
    pub current: bool,
    pub on_hover: Callback<Option<Hovered>>,
}

#[component(MarkView)]
pub fn mark_view(props: &MarkViewProps) -> Html {
    let mark = props.mark;
    let class = classes!(
        "mark",
        mark.kind.class(),
        props.chain.then_some("chain"),
        props.future.then_some("future"),
        props.current.then_some("current"),
    );
    let transform = format!(
        "translate({:.1},{:.1}) scale({:.2})",
        props.geometry.x(mark.time_us),
        props.geometry.y(mark.lane),
        props.geometry.mark_scale
    );
    let enter = {
        let on_hover = props.on_hover.clone();
        Callback::from(move |_: MouseEvent| on_hover.emit(Some(Hovered::Mark(mark.event))))
    };
    let leave = {
        let on_hover = props.on_hover.clone();
        Callback::from(move |_: MouseEvent| on_hover.emit(None))
    };
    html! {
        <g {class} {transform} onmouseenter={enter} onmouseleave={leave}>
            if props.current { <circle class="current-ring" r="10" /> }
            { mark_shape(mark.kind) }
        </g>
    }
}
