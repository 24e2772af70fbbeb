namespace Spoke.Mapping;

/// <summary>
/// A class that can't be mapped (an unsupported member type, a clash of names), or a HubSpot value that can't be read
/// into its member. Messages name the type, member and property, never the value.
/// </summary>
public sealed class HubSpotMappingException : InvalidOperationException
{
    public HubSpotMappingException()
    {
    }

    public HubSpotMappingException(string message) : base(message)
    {
    }

    public HubSpotMappingException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
