namespace Spoke.DataTools;

/// <summary>Facts about object type names the data tools need in several places.</summary>
internal static class ObjectTypes
{
    /// <summary>Contacts, by any of the names HubSpot takes for them: their one unique property is <c>email</c>.</summary>
    public static bool IsContacts(string objectType) => objectType is "contacts" or "contact" or Spoke.Crm.CrmObjectTypeIds.Contacts;
}
