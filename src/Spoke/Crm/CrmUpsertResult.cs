namespace Spoke.Crm;

/// <summary>An upserted record and whether the upsert created it.</summary>
public sealed record CrmUpsertResult(CrmObject Object, bool IsNew);
