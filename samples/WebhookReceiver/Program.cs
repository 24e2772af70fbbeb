// A minimal HubSpot webhook receiver: verified requests are committed to a SQLite inbox before the 200, then the
// handlers below run per object in occurredAt order (with retries and dead letters). The app's client secret comes
// from configuration: HubSpot:Webhooks:ClientSecret (env HubSpot__Webhooks__ClientSecret).
using Spoke.Webhooks;
using Spoke.Webhooks.Events;
using WebhookReceiverSample;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddHubSpotWebhooks(builder.Configuration.GetSection("HubSpot:Webhooks"))
    .AddHandler<ContactCreated, GreetNewContact>()
    .AddHandler<DealPropertyChanged, TrackDealAmount>();

var app = builder.Build();
app.MapHubSpotWebhooks("/hubspot/webhooks");
app.Run();
