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
        var served = new RevisionText(0, "0");
        // One callback for the app, given the context as state, and the served revision's text made once per revision:
        // every response carries the header, so none of it is allocated per request.
        Func<object, Task> setHeader = state =>
        {
            var context = (HttpContext)state;
            var current = loader.Current.Revision;
            var revision = context.Items.TryGetValue(ItemKey, out var written) && written is long w ? Math.Max(w, current) : current;
            var text = served;
            if (text.Revision != revision)
            {
                text = new RevisionText(revision, revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (revision == current)
                {
                    served = text;
                }
            }
            context.Response.Headers[Name] = text.Text;
            return Task.CompletedTask;
        };
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(setHeader, context);
            return next(context);
        });
    }

    private sealed record RevisionText(long Revision, string Text);
}
