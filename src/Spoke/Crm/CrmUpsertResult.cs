namespace Spoke.Crm;

/// <summary>An upserted record and whether the upsert created it.</summary>
public sealed record CrmUpsertResult(CrmObject Object, bool IsNew);

/// <summary>An upserted record read as a mapped <typeparamref name="T"/>, and whether the upsert created it.</summary>
public sealed record CrmUpsertResult<T>(T Value, bool IsNew);
