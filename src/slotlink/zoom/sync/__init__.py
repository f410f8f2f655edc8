"""The sync engine: what keeping a row (a meeting, a webinar) in line with Zoom needs,
whatever the row is. Meetings and webinars each keep only their own steps.

- `leases`: one worker at a time on a row, without a transaction open while Zoom answers;
- `outcomes`: a step waits for Zoom (`Wait`) or fails until the host acts (`Fail`), and a
  sync's `SyncResult` tells its task when to come back;
- `calls`: one Zoom call for a row, its failures turned into waiting (with backoff, or
  until Zoom's own time) or failing;
- `marker`: the mark written into a create, so an answer lost in flight is adopted, not
  made twice.
The rows share their fields through `zoom.models.synced.SyncedRow`; a list call's pages are
read with `endpoints.iter_pages`.
"""
