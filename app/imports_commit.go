package app

// Committing a previewed import: one transaction, rows written in batches.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// CommitImport writes a previewed job in one transaction. Mode "all" refuses (409) a file
// with any bad row; "valid_only" skips them. Duplicates are skipped or update the existing
// record. Committing a committed job again returns it unchanged.
func (a *App) CommitImport(ctx context.Context, id int64, in ImportCommitInput) (*ImportView, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if in.Mode == "" {
		in.Mode = ImportModeAll
	}
	if in.Duplicates == "" {
		in.Duplicates = ImportDupSkip
	}
	var j *ImportJob
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if j, err = a.store.LockImportJob(ctx, id); err != nil {
			return err
		}
		t, err := a.communityTarget(ctx, j.CommunityID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActImportManage, t); err != nil {
			return err
		}
		if j.Status == ImportCommitted {
			return nil // idempotent: the first commit's result stands
		}
		if in.Mode == ImportModeAll && j.Valid < j.Rows {
			return Errorf(ECONFLICT, "import.error.has_errors", "count", j.Rows-j.Valid)
		}
		var recs []importRecord
		if err := json.Unmarshal([]byte(j.Payload), &recs); err != nil {
			return fmt.Errorf("decode import rows %d: %w", j.ID, err)
		}
		env, err := a.importEnv(ctx, j.Kind, j.CommunityID)
		if err != nil {
			return err
		}
		env.fileName = j.FileName
		// The world may have changed since the preview: find duplicates again.
		if _, err := a.markDuplicates(ctx, j.Kind, env, recs); err != nil {
			return err
		}
		j.Created, j.Updated, j.Skipped, j.Done = 0, 0, 0, 0
		for i, r := range recs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if (in.Duplicates == ImportDupUpdate && (r.DupOf != 0 || r.Fields["existing_id"] != "")) || len(env.pending) >= importBatch {
				if err := a.flush(ctx, env); err != nil {
					return fmt.Errorf("import %d: %w", j.ID, err)
				}
			}
			outcome, err := a.commitRow(ctx, j, env, recs, r, in.Duplicates)
			if err != nil {
				return fmt.Errorf("import %d row %d: %w", j.ID, r.Row, err)
			}
			switch outcome {
			case "created":
				j.Created++
			case "updated":
				j.Updated++
			default:
				j.Skipped++
			}
			j.Done = i + 1
			if in.Progress != nil {
				in.Progress(j.Done, len(recs))
			}
		}
		if err := a.flush(ctx, env); err != nil {
			return fmt.Errorf("import %d: %w", j.ID, err)
		}
		now := a.Now()
		j.Status, j.Mode, j.DupPolicy, j.CommittedAt = ImportCommitted, in.Mode, in.Duplicates, &now
		if err := a.store.UpdateImportJob(ctx, j); err != nil {
			return err
		}
		return a.audit(ctx, "import.committed", "import", j.ID, j.CommunityID, map[string]any{"kind": j.Kind,
			"created": j.Created, "updated": j.Updated, "skipped": j.Skipped, "mode": j.Mode, "duplicates": j.DupPolicy})
	})
	if err != nil {
		return nil, err
	}
	return a.importView(j)
}

// commitRow writes one row and says what it did: created, updated or skipped.
func (a *App) commitRow(ctx context.Context, j *ImportJob, env *importEnv, recs []importRecord, r importRecord, dup string) (string, error) {
	if !r.Valid {
		return "skipped", nil
	}
	f := r.Fields
	var existingID int64
	if r.DupOf != 0 {
		if dup != ImportDupUpdate || j.Kind == ImportHours {
			return "skipped", nil
		}
		// Update: the later row wins over the earlier one, which was written before it.
		if j.Kind == ImportVolunteers {
			existingID = env.mobiles[r.Key]
		} else {
			existingID = env.codes[r.Key]
		}
	} else if s := f["existing_id"]; s != "" {
		if dup != ImportDupUpdate || j.Kind == ImportHours {
			return "skipped", nil
		}
		fmt.Sscan(s, &existingID)
	}
	now := a.Now()
	switch j.Kind {
	case ImportVolunteers:
		v := &Volunteer{Active: true, CreatedAt: now}
		if existingID != 0 {
			var err error
			if v, err = a.store.FindVolunteer(ctx, existingID); err != nil {
				return "", err
			}
		}
		v.Name, v.Mobile, v.CommunityID, v.Bio, v.UpdatedAt = f["name"], f["mobile"], j.CommunityID, f["bio"], now
		fmt.Sscan(f["max_hours"], &v.MaxHoursPerWeek)
		v.GridID = nil
		if g := f["grid_id"]; g != "" {
			var id int64
			fmt.Sscan(g, &id)
			v.GridID = &id
		}
		v.Skills = nil
		if s := f["skill_codes"]; s != "" {
			v.Skills = strings.Split(s, ",")
		}
		v.BirthDate = nil
		if b := f["birth_date"]; b != "" {
			d, _ := time.Parse(time.DateOnly, b) // a calendar date: midnight UTC, as DATE columns hold it
			v.BirthDate = &d
		}
		if existingID != 0 {
			return "updated", a.store.UpdateVolunteer(ctx, v)
		}
		env.pending = append(env.pending, v)
		return "created", nil
	case ImportOrganizations:
		o := &Organization{CreatedBy: &j.CreatedBy, CreatedAt: now}
		if existingID != 0 {
			var err error
			if o, err = a.store.FindOrganization(ctx, existingID); err != nil {
				return "", err
			}
		}
		in := OrganizationInput{Name: f["name"], Kind: f["kind_code"], RegistrationNumber: f["registration_number"], CommunityID: &j.CommunityID,
			StreetID: &env.community.StreetID, Address: f["address"], ContactName: f["contact_name"], ContactPhone: f["contact_phone"],
			Description: f["description"], Categories: o.Categories, AreaCommunityIDs: o.AreaCommunityIDs}
		applyOrganization(o, in)
		o.UpdatedAt = now
		if existingID != 0 {
			return "updated", a.store.UpdateOrganization(ctx, o)
		}
		if err := a.store.CreateOrganization(ctx, o); err != nil {
			return "", err
		}
		if o.RegistrationNumber != "" {
			if env.codes == nil {
				env.codes = map[string]int64{}
			}
			env.codes[o.RegistrationNumber] = o.ID
		}
		return "created", nil
	case ImportHours:
		var vid int64
		var minutes int
		fmt.Sscan(f["volunteer_id"], &vid)
		fmt.Sscan(f["minutes"], &minutes)
		d, _ := time.ParseInLocation(time.DateOnly, f["date"], a.loc)
		h := &HoursEntry{VolunteerID: vid, Kind: HoursCoordinator, Status: HoursApproved, WorkDate: d.UTC(), Minutes: minutes,
			Activity: f["activity"], Reason: "import:" + fmt.Sprint(j.ID), RecordedBy: j.CreatedBy, DecidedBy: &j.CreatedBy, DecidedAt: &now, CreatedAt: now}
		if err := a.store.CreateHours(ctx, h); err != nil {
			return "", err
		}
		return "created", nil
	}
	return "", fmt.Errorf("import kind %q", j.Kind)
}
