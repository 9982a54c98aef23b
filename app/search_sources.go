package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/wushe/wushe/search"
)

// SearchSource is one record type that is indexed: how to read its records and turn them into
// public documents. Adding a type is one file with its documents function and one line in
// searchSourceList, plus its fallback columns in the store.
type SearchSource struct {
	Type search.Type
	// Load reads the records with these ids, or when ids is nil up to limit records with
	// id > after in id order. Records that exist but must not be found (a draft) have no
	// document in the batch: theirs is deleted.
	Load func(ctx context.Context, a *App, ids []int64, after int64, limit int) (SearchBatch, error)
	// Count is the number of records, for reindex progress.
	Count func(ctx context.Context, a *App) (int, error)
	// Path is the page of one record, e.g. "/needs/".
	Path string
}

// Search statuses of the record types that have no status column: an organization is verified
// or not, a volunteer active or not. The database fallback (the store) filters on the same.
const (
	OrganizationVerified   = "verified"
	OrganizationUnverified = "unverified"
	VolunteerActive        = "active"
	VolunteerInactive      = "inactive"
)

// searchSourceList is every indexed record type, in search.Types order. It is built once and
// never changed.
var searchSourceList = []*SearchSource{
	NewSearchSource(search.TypeNeed, "/needs/", func(n *Need) int64 { return n.ID }, needDocuments),
	NewSearchSource(search.TypeProject, "/projects/", func(p *Project) int64 { return p.ID }, projectDocuments),
	NewSearchSource(search.TypeOrganization, "/organizations/", func(o *Organization) int64 { return o.ID }, organizationDocuments),
	NewSearchSource(search.TypeVolunteer, "/volunteers/", func(v *Volunteer) int64 { return v.ID }, volunteerDocuments),
	NewSearchSource(search.TypeTender, "/tenders/", func(t *Tender) int64 { return t.ID }, tenderDocuments),
	NewSearchSource(search.TypeCampaign, "/campaigns/", func(c *Campaign) int64 { return c.ID }, campaignDocuments),
}

// SearchBatch is what a source read: the documents, how many records, the largest id.
type SearchBatch struct {
	Docs []search.Document
	Read int
	Last int64
}

// SearchSources lists the indexed record types in search.Types order.
func SearchSources() []*SearchSource { return slices.Clone(searchSourceList) }

// SearchSourceFor returns the source of a type, or nil.
func SearchSourceFor(t search.Type) *SearchSource {
	for _, s := range searchSourceList {
		if s.Type == t {
			return s
		}
	}
	return nil
}

// SearchTypes lists the types that are indexed, in display order.
func SearchTypes() []search.Type {
	var out []search.Type
	for _, s := range searchSourceList {
		out = append(out, s.Type)
	}
	return out
}

// NewSearchSource builds a source from a record type T stored in its own table: id reads a
// record's id; docs turns a batch of records into documents (leaving out the private ones).
func NewSearchSource[T any](typ search.Type, path string, id func(*T) int64, docs func(ctx context.Context, sc *SearchContext, recs []*T) ([]search.Document, error)) *SearchSource {
	return &SearchSource{
		Type: typ,
		Path: path,
		Load: func(ctx context.Context, a *App, ids []int64, after int64, limit int) (SearchBatch, error) {
			var recs []*T
			if err := a.store.LoadForSearch(ctx, &recs, ids, after, limit); err != nil {
				return SearchBatch{}, fmt.Errorf("load %ss for search: %w", typ, err)
			}
			b := SearchBatch{Read: len(recs)}
			for _, r := range recs {
				b.Last = max(b.Last, id(r))
			}
			out, err := docs(ctx, a.newSearchContext(), recs)
			if err != nil {
				return SearchBatch{}, fmt.Errorf("%s documents: %w", typ, err)
			}
			b.Docs = out
			return b, nil
		},
		Count: func(ctx context.Context, a *App) (int, error) { return a.store.CountForSearch(ctx, new(T)) },
	}
}

// SearchContext caches what several documents of a batch share: grids, communities and the
// names of categories and skills.
type SearchContext struct {
	a           *App
	grids       map[int64]*Grid
	communities map[int64]*Community
	categories  map[string]*Category
	skills      map[string]*Skill
}

func (a *App) newSearchContext() *SearchContext {
	return &SearchContext{a: a, grids: map[int64]*Grid{}, communities: map[int64]*Community{}}
}

// Preload reads the grids and communities of a batch in two queries.
func (sc *SearchContext) Preload(ctx context.Context, gridIDs, communityIDs []int64) error {
	gridIDs = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(gridIDs))), func(id int64) bool { return id == 0 || sc.grids[id] != nil })
	if len(gridIDs) > 0 {
		gs, _, err := sc.a.store.FindGrids(ctx, GridFilter{IDs: gridIDs})
		if err != nil {
			return err
		}
		for _, g := range gs {
			sc.grids[g.ID] = g
			communityIDs = append(communityIDs, g.CommunityID)
		}
	}
	communityIDs = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(communityIDs))), func(id int64) bool { return id == 0 || sc.communities[id] != nil })
	if len(communityIDs) > 0 {
		cs, _, err := sc.a.store.FindCommunities(ctx, CommunityFilter{IDs: communityIDs})
		if err != nil {
			return err
		}
		for _, c := range cs {
			sc.communities[c.ID] = c
		}
	}
	return nil
}

func (sc *SearchContext) taxonomies(ctx context.Context) error {
	if sc.categories != nil {
		return nil
	}
	cats, err := sc.a.store.ListCategories(ctx)
	if err != nil {
		return err
	}
	skills, err := sc.a.store.ListSkills(ctx)
	if err != nil {
		return err
	}
	sc.categories, sc.skills = map[string]*Category{}, map[string]*Skill{}
	for _, c := range cats {
		sc.categories[c.Code] = c
	}
	for _, s := range skills {
		sc.skills[s.Code] = s
	}
	return nil
}

// CategoryTags are the searchable names of categories: the Chinese and English names and the
// code, so 助餐 and "meal" find meal_delivery records and a category filter can match tags.
func (sc *SearchContext) CategoryTags(ctx context.Context, codes ...string) ([]string, error) {
	if err := sc.taxonomies(ctx); err != nil {
		return nil, err
	}
	var out []string
	for _, code := range codes {
		out = append(out, code)
		if c := sc.categories[code]; c != nil {
			out = append(out, c.NameZh, c.NameEn)
		}
	}
	return out, nil
}

// SkillTags are the names of skills in Chinese and English, and their categories' codes and
// names, so a volunteer who visits homes (入户探访) is found under 居家养老 and "elderly care"
// as residents type them. Everyday synonyms (长者, 上门看望…) are applied to queries by the
// engines (search/textfold/synonyms.txt).
func (sc *SearchContext) SkillTags(ctx context.Context, codes ...string) ([]string, error) {
	if err := sc.taxonomies(ctx); err != nil {
		return nil, err
	}
	var out []string
	for _, code := range codes {
		out = append(out, code)
		if s := sc.skills[code]; s != nil {
			out = append(out, s.NameZh, s.NameEn)
			if s.CategoryCode != nil {
				out = append(out, *s.CategoryCode)
				if c := sc.categories[*s.CategoryCode]; c != nil {
					out = append(out, c.NameZh, c.NameEn)
				}
			}
		}
	}
	return out, nil
}

// SkillCategory is the category of the first skill that has one.
func (sc *SearchContext) SkillCategory(codes []string) string {
	for _, code := range codes {
		if s := sc.skills[code]; s != nil && s.CategoryCode != nil {
			return *s.CategoryCode
		}
	}
	return ""
}

// GridPoint is a grid's position, falling back to its community's.
func (sc *SearchContext) GridPoint(gridID, communityID int64) *search.GeoPoint {
	if g := sc.grids[gridID]; g != nil && g.Lat != nil && g.Lng != nil {
		return &search.GeoPoint{Lat: *g.Lat, Lng: *g.Lng}
	}
	return sc.CommunityPoint(communityID)
}

// CommunityPoint is a community's position.
func (sc *SearchContext) CommunityPoint(communityID int64) *search.GeoPoint {
	if c := sc.communities[communityID]; c != nil && c.Lat != nil && c.Lng != nil {
		return &search.GeoPoint{Lat: *c.Lat, Lng: *c.Lng}
	}
	return nil
}

// CommunityKind is a community's kind ("" when unknown).
func (sc *SearchContext) CommunityKind(communityID int64) string {
	if c := sc.communities[communityID]; c != nil {
		return c.Kind
	}
	return ""
}

func point(lat, lng *float64) *search.GeoPoint {
	if lat == nil || lng == nil {
		return nil
	}
	p := search.GeoPoint{Lat: *lat, Lng: *lng}
	if !p.Valid() {
		return nil
	}
	return &p
}

// needDocuments is a need's public summary: the title, category, tier, status and place, the
// description only when the resident made it public, and the grid's position. Never the
// address, the requester or whoever it was filed for.
func needDocuments(ctx context.Context, sc *SearchContext, ns []*Need) ([]search.Document, error) {
	var gids, cids []int64
	for _, n := range ns {
		gids, cids = append(gids, n.GridID), append(cids, n.CommunityID)
	}
	if err := sc.Preload(ctx, gids, cids); err != nil {
		return nil, err
	}
	out := make([]search.Document, 0, len(ns))
	for _, n := range ns {
		if n.Sensitive {
			continue // never indexed (PIPL art. 28): a sensitive need leaves the index
		}
		pub := redactNeed(n)
		tags, err := sc.CategoryTags(ctx, n.Category)
		if err != nil {
			return nil, err
		}
		d := search.Document{Type: search.TypeNeed, ID: n.ID, Title: pub.Title, Body: pub.Description, Tags: tags,
			CommunityID: n.CommunityID, GridID: n.GridID, Category: n.Category, Status: n.Status, Kind: n.Tier,
			CreatedAt: n.CreatedAt, EndsAt: n.DueAt, Location: sc.GridPoint(n.GridID, n.CommunityID)}
		if n.WindowEnd != nil {
			d.EndsAt = *n.WindowEnd
		}
		out = append(out, d)
	}
	return out, nil
}

// projectDocuments indexes every project but drafts, which are private to their proposer.
func projectDocuments(ctx context.Context, sc *SearchContext, ps []*Project) ([]search.Document, error) {
	var gids, cids []int64
	for _, p := range ps {
		gids, cids = append(gids, deref(p.GridID)), append(cids, p.CommunityID)
	}
	if err := sc.Preload(ctx, gids, cids); err != nil {
		return nil, err
	}
	out := make([]search.Document, 0, len(ps))
	for _, p := range ps {
		if p.Status == ProjectDraft {
			continue
		}
		tags, err := sc.CategoryTags(ctx, p.Category)
		if err != nil {
			return nil, err
		}
		out = append(out, search.Document{Type: search.TypeProject, ID: p.ID, Title: p.Title, Body: p.Description, Tags: tags,
			CommunityID: p.CommunityID, GridID: deref(p.GridID), Category: p.Category, Status: p.Status,
			Kind: sc.CommunityKind(p.CommunityID), CreatedAt: p.CreatedAt, Amount: p.Budget,
			Location: sc.GridPoint(deref(p.GridID), p.CommunityID)})
	}
	return out, nil
}

// organizationDocuments indexes the public face of an organization: name, description,
// service categories, address area; never the contact person or phone.
func organizationDocuments(ctx context.Context, sc *SearchContext, os []*Organization) ([]search.Document, error) {
	var cids []int64
	for _, o := range os {
		cids = append(cids, deref(o.CommunityID))
	}
	if err := sc.Preload(ctx, nil, cids); err != nil {
		return nil, err
	}
	out := make([]search.Document, 0, len(os))
	for _, o := range os {
		// The first category is the organization's main line of work: its names weigh like a
		// need's category. The others are searchable in the body, after the description, so
		// 助餐 ranks meal-delivery needs above a home-care centre that also delivers meals.
		var tags []string
		body := o.Description
		for i, code := range o.Categories {
			names, err := sc.CategoryTags(ctx, code)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				tags = names
				continue
			}
			// The Chinese name goes into the body (searchable after the description, shown in
			// snippets, which are Chinese like the description); the code and English name into
			// the tags, so "meal" still finds it without English in a Chinese snippet.
			tags = append(tags, names[0])
			if len(names) > 2 {
				body += " " + names[1]
				tags = append(tags, names[2:]...)
			}
		}
		status := OrganizationUnverified
		if o.Verified {
			status = OrganizationVerified
		}
		cat := ""
		if len(o.Categories) > 0 {
			cat = o.Categories[0]
		}
		loc := point(o.Lat, o.Lng)
		if loc == nil {
			loc = sc.CommunityPoint(deref(o.CommunityID))
		}
		out = append(out, search.Document{Type: search.TypeOrganization, ID: o.ID, Title: o.Name, Tags: tags,
			CommunityID: deref(o.CommunityID), Category: cat, Status: status, Kind: o.Kind, CreatedAt: o.CreatedAt, Location: loc})
		out[len(out)-1].Body = strings.TrimSpace(body)
	}
	return out, nil
}

// volunteerDocuments indexes the public profile: a masked name, the skills, the bio and the
// grid's position — never the full name, mobile number, exact home or timetable.
func volunteerDocuments(ctx context.Context, sc *SearchContext, vs []*Volunteer) ([]search.Document, error) {
	var gids, cids []int64
	for _, v := range vs {
		gids, cids = append(gids, deref(v.GridID)), append(cids, v.CommunityID)
	}
	if err := sc.Preload(ctx, gids, cids); err != nil {
		return nil, err
	}
	out := make([]search.Document, 0, len(vs))
	for _, v := range vs {
		tags, err := sc.SkillTags(ctx, v.Skills...)
		if err != nil {
			return nil, err
		}
		tags = append(tags, "志愿者", "volunteer")
		status := VolunteerInactive
		if v.Active {
			status = VolunteerActive
		}
		out = append(out, search.Document{Type: search.TypeVolunteer, ID: v.ID, Title: MaskName(v.Name), Body: v.Bio, Tags: tags,
			CommunityID: v.CommunityID, GridID: deref(v.GridID), Category: sc.SkillCategory(v.Skills), Status: status,
			Kind: sc.CommunityKind(v.CommunityID), CreatedAt: v.CreatedAt, Location: sc.GridPoint(deref(v.GridID), v.CommunityID)})
	}
	return out, nil
}
