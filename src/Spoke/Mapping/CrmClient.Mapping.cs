using System.Diagnostics.CodeAnalysis;
using Spoke.Mapping;

namespace Spoke.Crm;

public partial class CrmClient
{
    /// <summary>
    /// The objects of <typeparamref name="T"/>'s <see cref="HubSpotObjectAttribute"/> type, read and written as
    /// <typeparamref name="T"/>: <c>client.Crm.Objects&lt;Contact&gt;().GetAsync(id)</c>.
    /// </summary>
    public virtual CrmObjectsClient<T> Objects<[DynamicallyAccessedMembers(HubSpotMapper.MappedMembers)] T>(MappingOptions? options = null) =>
        Objects<T>(HubSpotMapper.GetObjectType<T>()
            ?? throw new HubSpotMappingException($"{typeof(T).Name} has no [HubSpotObject(\"…\")]; pass the object type: Objects<{typeof(T).Name}>(\"contacts\")."),
            options);

    /// <summary>Objects of <paramref name="objectType"/>, read and written as <typeparamref name="T"/>.</summary>
    public virtual CrmObjectsClient<T> Objects<[DynamicallyAccessedMembers(HubSpotMapper.MappedMembers)] T>(string objectType, MappingOptions? options = null) =>
        Objects(objectType).As<T>(options);
}

public partial class CrmObjectsClient
{
    /// <summary>This object type, read and written as <typeparamref name="T"/>: <c>client.Crm.Contacts.As&lt;Contact&gt;()</c>.</summary>
    public virtual CrmObjectsClient<T> As<[DynamicallyAccessedMembers(HubSpotMapper.MappedMembers)] T>(MappingOptions? options = null) =>
        new(this, options);
}
