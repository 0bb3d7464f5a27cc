//! The HTTP and WebSocket server (axum): `GET /health`, the upstream-compatible admin API under
//! `/apps/<appId>/`, our data API and WebSocket subscriptions. The only module of the engine
//! that touches the network.
