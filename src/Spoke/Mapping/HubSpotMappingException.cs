namespace Spoke.Mapping;

/// <summary>
/// A class that can't be mapped (an unsupported member type, a clash of names), or a HubSpot value that can't be read
/// into its member. Messages name the type, member and property, never the value.
/// </summary>
public sealed class HubSpotMappingException : InvalidOperationException
{
    /// <summary>A mapping failure without a message.</summary>
    public HubSpotMappingException()
    {
    }

    /// <summary>A mapping failure with this message.</summary>
    public HubSpotMappingException(string message) : base(message)
    {
    }

    /// <summary>A mapping failure with this message and its cause.</summary>
    public HubSpotMappingException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
