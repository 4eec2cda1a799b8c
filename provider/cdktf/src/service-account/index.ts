// https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/service_account
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ServiceAccountConfig extends cdktf.TerraformMetaArguments {
  /**
  * Lifetime of the token in whole days, 1–3650. Null or omitted: the token never expires. Changing it replaces the service account (and its token).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/service_account#expiration_days ServiceAccount#expiration_days}
  */
  readonly expirationDays?: number;
  /**
  * A label for the service account, 1–100 characters (no control characters). Names need not be unique (during a rotation two accounts with the same name exist for a moment). Changing it renames the account in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/service_account#name ServiceAccount#name}
  */
  readonly name: string;
  /**
  * Days before `expires_at` at which a plan replaces the service account and its token (0–3649, less than `expiration_days`; needs `expiration_days`). Combine with `lifecycle { create_before_destroy = true }` so the new token exists before the old one is revoked. Unset: the account is never replaced for age, and plans warn during its last 7 days; an expired account is replaced by the next plan.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/service_account#rotate_before_days ServiceAccount#rotate_before_days}
  */
  readonly rotateBeforeDays?: number;
  /**
  * The ids of the teams the service account is a member of (at most 100); its token has those teams' roles. Set: this resource manages the account's memberships, in place, and a plan shows memberships changed outside Terraform as a change. Omitted (null): memberships are not managed here and the attribute shows the teams the account is in; add them with `tessera_team_membership` resources. Do not manage the same account's teams both ways: each would undo the other. When the account is replaced (rotation), the new account gets `team_ids` if set, otherwise the `tessera_team_membership` resources that refer to its id are replaced with it.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/service_account#team_ids ServiceAccount#team_ids}
  */
  readonly teamIds?: string[];
}

/**
* Represents a {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/service_account tessera_service_account}
*/
export class ServiceAccount extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "tessera_service_account";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a ServiceAccount resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the ServiceAccount to import
  * @param importFromId The id of the existing ServiceAccount that should be imported. Refer to the {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/service_account#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the ServiceAccount to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "tessera_service_account", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/service_account tessera_service_account} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ServiceAccountConfig
  */
  public constructor(scope: Construct, id: string, config: ServiceAccountConfig) {
    super(scope, id, {
      terraformResourceType: 'tessera_service_account',
      terraformGeneratorMetadata: {
        providerName: 'tessera',
        providerVersionConstraint: '~> 0.1'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._expirationDays = config.expirationDays;
    this._name = config.name;
    this._rotateBeforeDays = config.rotateBeforeDays;
    this._teamIds = config.teamIds;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // expiration_days - computed: false, optional: true, required: false
  private _expirationDays?: number; 
  public get expirationDays() {
    return this.getNumberAttribute('expiration_days');
  }
  public set expirationDays(value: number) {
    this._expirationDays = value;
  }
  public resetExpirationDays() {
    this._expirationDays = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get expirationDaysInput() {
    return this._expirationDays;
  }

  // expires_at - computed: true, optional: false, required: false
  public get expiresAt() {
    return this.getStringAttribute('expires_at');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // rotate_before_days - computed: false, optional: true, required: false
  private _rotateBeforeDays?: number; 
  public get rotateBeforeDays() {
    return this.getNumberAttribute('rotate_before_days');
  }
  public set rotateBeforeDays(value: number) {
    this._rotateBeforeDays = value;
  }
  public resetRotateBeforeDays() {
    this._rotateBeforeDays = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get rotateBeforeDaysInput() {
    return this._rotateBeforeDays;
  }

  // team_ids - computed: true, optional: true, required: false
  private _teamIds?: string[]; 
  public get teamIds() {
    return cdktf.Fn.tolist(this.getListAttribute('team_ids'));
  }
  public set teamIds(value: string[]) {
    this._teamIds = value;
  }
  public resetTeamIds() {
    this._teamIds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get teamIdsInput() {
    return this._teamIds;
  }

  // token - computed: true, optional: false, required: false
  public get token() {
    return this.getStringAttribute('token');
  }

  // token_hint - computed: true, optional: false, required: false
  public get tokenHint() {
    return this.getStringAttribute('token_hint');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      expiration_days: cdktf.numberToTerraform(this._expirationDays),
      name: cdktf.stringToTerraform(this._name),
      rotate_before_days: cdktf.numberToTerraform(this._rotateBeforeDays),
      team_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(this._teamIds),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      expiration_days: {
        value: cdktf.numberToHclTerraform(this._expirationDays),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      rotate_before_days: {
        value: cdktf.numberToHclTerraform(this._rotateBeforeDays),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      team_ids: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._teamIds),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
