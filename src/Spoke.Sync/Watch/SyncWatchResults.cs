using Spoke.Sync.Engine;

namespace Spoke.Sync.Watch;

/// <summary>What one batch of webhook events did to the mirror.</summary>
/// <param name="Events">Inbox events taken (and acknowledged once the mirror committed).</param>
/// <param name="Records">Records read back and written (inserted or changed rows).</param>
/// <param name="Deletes">Records that became tombstones.</param>
/// <param name="Merges">Merges recorded.</param>
/// <param name="Associations">Association edges written.</param>
/// <param name="ApiCalls">HubSpot API calls the batch spent.</param>
public sealed record SyncWatchBatch(int Events, long Records, long Deletes, long Merges, long Associations, long ApiCalls);

/// <summary>
/// A report from a running <see cref="SyncWatcher"/>: a batch of events applied, an incremental pass finished, or a
/// failure that will be retried. Exactly one of <see cref="Batch"/>, <see cref="Pass"/> and <see cref="Error"/> is set.
/// </summary>
/// <param name="Batch">A batch of webhook events applied.</param>
/// <param name="Pass">An incremental pass of the engine finished.</param>
/// <param name="Error">Why a batch or a pass failed (no secret in it); it is tried again.</param>
public sealed record SyncWatchReport(SyncWatchBatch? Batch, SyncRunResult? Pass, string? Error);
