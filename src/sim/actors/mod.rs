//! The actors of the simulated world. Each file holds one actor's state and its handlers;
//! a handler changes only that state (and the stores it is given) and writes everything
//! else it wants to happen into the effects buffer.

pub mod balancer;
pub mod client;
pub mod email;
pub mod external;
pub mod keeper;
pub mod network;
pub mod provider;
pub mod relay;
pub mod replica;

#[cfg(test)]
mod tests;
