using Microsoft.AspNetCore.Routing;

namespace Spoke.Emulator.Associations;

/// <summary>Maps every association endpoint: v4 (classic and dated paths), labels, configurations and v3.</summary>
internal static class AssociationsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var prefix in AssociationsV4Api.RecordPrefixes)
        {
            app.MapAssociationsRecordApi(prefix);
        }

        foreach (var prefix in AssociationsV4Api.PairPrefixes)
        {
            app.MapAssociationsBatchApi(prefix);
            app.MapAssociationLabelsApi(prefix);
        }

        foreach (var prefix in AssociationLabelsApi.DefinitionPrefixes)
        {
            app.MapAssociationConfigurationsApi(prefix);
        }

        app.MapAssociationsV3Api();
    }
}
