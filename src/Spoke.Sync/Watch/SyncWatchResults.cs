using Spoke.Sync.Engine;
using Spoke.Sync.Push;

namespace Spoke.Sync.Watch;

/// <summary>What one batch of webhook events did to the mirror.</summary>
/// <param name="Events">Inbox events taken (and acknowledged once the mirror committed).</param>
/// <param name="Records">Records read back and written (inserted or changed rows).</param>
/// <param name="Deletes">Records that became tombstones.</param>
/// <param name="Merges">Merges recorded.</param>
/// <param name="Associations">Association edges written.</param>
/// <param name="ApiCalls">HubSpot API calls the batch spent.</param>
/// <param name="Unchanged">
/// Records read back whose writable values already equal the mirror's: the echoes of our own pushes (or changes of
/// HubSpot-calculated values alone). Not counted in <see cref="Records"/>: they are no remote change. Their HubSpot-set
/// values (e.g. <c>hs_lastmodifieddate</c>) are still written.
/// </param>
public sealed record SyncWatchBatch(int Events, long Records, long Deletes, long Merges, long Associations, long ApiCalls, long Unchanged = 0);

/// <summary>
/// A report from a running <see cref="SyncWatcher"/>: a batch of events applied, an incremental pass finished, a push of
/// local changes done, or a failure that will be retried. Exactly one of <see cref="Batch"/>, <see cref="Pass"/>,
/// <see cref="Push"/> and <see cref="Error"/> is set.
/// </summary>
/// <param name="Batch">A batch of webhook events applied.</param>
/// <param name="Pass">An incremental pass of the engine finished.</param>
/// <param name="Error">Why a batch, a pass or a push failed (no secret in it); it is tried again.</param>
/// <param name="Push">A push of local changes done (<see cref="SyncWatchOptions.Pusher"/>).</param>
public sealed record SyncWatchReport(SyncWatchBatch? Batch, SyncRunResult? Pass, string? Error, SyncPushResult? Push = null);
