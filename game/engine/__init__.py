"""The pure rules engine of Rolwissel: no Flask, no database, no eventlet, no clock."""
