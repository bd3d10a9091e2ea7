using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api;

/// <summary>
/// Every response carries <c>X-Catalog-Revision</c>: the revision this replica serves, or, after a write, the revision
/// the write committed as — so a client can tell whether what it reads includes what it wrote.
/// </summary>
public static class RevisionHeader
{
    public const string Name = "X-Catalog-Revision";
    public const string ItemKey = "toolcatalog.revision";

    public static IApplicationBuilder UseCatalogRevisionHeader(this IApplicationBuilder app)
    {
        var loader = app.ApplicationServices.GetRequiredService<SnapshotStore>();
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var revision = context.Items.TryGetValue(ItemKey, out var written) && written is long w
                    ? Math.Max(w, loader.Current.Revision)
                    : loader.Current.Revision;
                context.Response.Headers[Name] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
